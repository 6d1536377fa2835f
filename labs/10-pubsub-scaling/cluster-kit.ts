// Lab 10's test helpers (not a learner file): cluster instances as real processes, and clients.
//
// An instance is `instance.ts` run by node + tsx, from labs/ (your files) or solutions/ (the
// reference), whichever the vitest project tests. It prints its port as JSON once it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { inject, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { ROOT } from '../../tools/labs/meta.ts';
import { say } from '../../tools/testing/say.ts';
import { withDeadline } from '../../tools/testing/wait.ts';
import type { TestClient } from '../../tools/testing/ws-client.ts';
import { ChatClient } from '../../solutions/08-websocket-client/chat-client.ts';

export interface Instance {
  readonly port: number;
  readonly wsUrl: string;
  readonly instanceId: string;
  /** Everything it printed, for failure messages. */
  output(): string;
  /** SIGKILL: no goodbye, no cleanup, as a crash. Resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait (graceful close). Idempotent. */
  stop(): Promise<void>;
}

export interface InstanceEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  KEY_PREFIX: string;
  CLUSTER_MODE?: 'relay' | 'pubsub';
  RELAY_MAXLEN?: string;
  PRESENCE_TTL_MS?: string;
}

/** Starts one instance process; the caller kills or stops it. Rejects with its output if it exits or stays silent. */
export async function startInstance(env: InstanceEnv, timeoutMs = 30_000): Promise<Instance> {
  const side = inject('workbook').project === 'solution' ? 'solutions' : 'labs';
  const entry = path.join(side, '10-pubsub-scaling', 'instance.ts');
  // tsx's loader in this very process: the tsx CLI would run the instance in a child process of
  // its own, and a SIGKILL to the CLI would leave that child running.
  const loader = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const child: ChildProcess = spawn(process.execPath, ['--import', loader, entry], {
    cwd: ROOT,
    env: { ...process.env, ...env, EXIT_WITH_STDIN: '1' },
    stdio: ['pipe', 'pipe', 'pipe'], // stdin stays open while this process lives (see instance.ts)
  });
  let output = '';
  const exited = once(child, 'exit');
  const instance = {
    output: () => output,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await withDeadline(exited, 10_000, `instance ${entry} did not exit after SIGTERM`).catch(() => child.kill('SIGKILL'));
    },
  };
  const ready = new Promise<{ port: number; instanceId: string }>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^\{"port".*\}$/m.exec(output);
      if (line) resolve(JSON.parse(line[0]) as { port: number; instanceId: string });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => reject(new Error(`${entry} exited before it listened (see ${side}/10-pubsub-scaling). Output:\n${output}`)));
  });
  const { port, instanceId } = await withDeadline(ready, timeoutMs, `${entry} did not print its port. Output:\n${output}`).catch(async (error: unknown) => {
    await instance.kill();
    throw error;
  });
  return { ...instance, port, instanceId, wsUrl: `ws://127.0.0.1:${port}/ws` };
}

/** Lab 08's ChatClient, plus a way to cut its current socket as a network failure would. */
export interface TestChatClient extends ChatClient {
  /** Terminates the socket it has now (no close frame: the client sees 1006 and reconnects). */
  cut(): void;
}

/**
 * Lab 08's ChatClient on `ws`, reconnecting through `urls()` in turn (the first URL first): when
 * its instance dies, the next attempt goes to another one. Closed after the current test.
 */
export function chatClient(urls: () => string[], token: string): TestChatClient {
  let attempt = 0;
  let current: WebSocket | undefined;
  const client = new ChatClient({
    connect: () => {
      const list = urls();
      const url = list[attempt++ % list.length]!;
      current = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
      return current;
    },
    backoff: { baseMs: 20, capMs: 200 },
    heartbeat: { intervalMs: 2000, timeoutMs: 2000 },
    maxQueue: 10_000,
  });
  onTestFinished(() => client.close());
  return Object.assign(client, { cut: () => current?.terminate() });
}

/** A URL nothing listens on: a client sent there keeps retrying until the test lets it through. */
export const REFUSED_URL = 'ws://127.0.0.1:1/ws';

type Answer = Record<string, unknown> & { type: string };

/**
 * Sends `message` and resolves with the first answer of type `reply`. An `error` answer fails at
 * once with its code, instead of the test waiting out its deadline for a reply that will not come
 * (an unfinished starter answers `unavailable` or `forbidden`).
 */
export async function ask(client: TestClient, message: Record<string, unknown>, reply: string, timeoutMs = 10_000): Promise<Answer> {
  client.send(message);
  const answer = await client.take<Answer>((m) => [reply, 'error'].includes((m as Answer)?.type), `"${reply}" for ${JSON.stringify(message)}`, timeoutMs);
  if (answer.type === 'error' && reply !== 'error') {
    const what = `${JSON.stringify(message)} -> error ${String(answer.code)}: ${String(answer.message)}`;
    throw new Error(
      say({
        en: `🚨 the instance refused ${what} (expected "${reply}"): see the first failing step's file (streams.ts, fanout.ts or relay.ts)`,
        ko: `🚨 인스턴스가 ${what} 요청을 거절했습니다("${reply}"를 기대함): 처음 실패한 단계의 파일(streams.ts, fanout.ts, relay.ts)을 보세요`,
      }),
    );
  }
  return answer;
}
