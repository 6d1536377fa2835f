// The dashboard's script (bundled by dashboard-assets.ts). No framework: the page is a few lists.
// It logs in, draws the user's projects, videos and jobs, and keeps one WebSocket open with lab
// 08's client; a job's progress bar moves when a `job.progress` notification for it arrives.
import { ChatClient, ticketConnector } from '../../08-websocket-client/index.ts';
import type { JobStatus } from '../../../generated/prisma/enums.ts';
import { isFinal, parseNotification } from '../notifications.ts';

// ---- what the API sends (dates and bigints arrive as strings) ---------------------------------

interface JobCard {
  id: number;
  kind: string;
  status: string;
  progress: number;
  error: string | null;
}
interface VideoRow {
  id: number;
  title: string;
  durationMs: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  sizeBytes: string | null;
  jobs: JobCard[];
}
interface Project {
  id: number;
  name: string;
  videos: VideoRow[];
}
interface Me {
  user: { id: number; email: string; name: string };
  realtime: { path: string };
  features: { simulate: boolean };
}

class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// ---- state ------------------------------------------------------------------------------------

const TOKEN_KEY = 'video-editor.token';
let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let client: ChatClient | undefined;

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  const payload = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/login') signOut();
    throw new ApiRequestError(res.status, payload.error ?? 'unknown', payload.message ?? res.statusText);
  }
  return payload as T;
}

// ---- views ------------------------------------------------------------------------------------

function show(view: 'login' | 'app'): void {
  $('#login-view').hidden = view !== 'login';
  $('#app-view').hidden = view !== 'app';
  $('#logout').hidden = view !== 'app';
  $('#who').hidden = view !== 'app';
}

function showError(selector: string, error: unknown): void {
  const el = $(selector);
  el.textContent = error instanceof ApiRequestError ? `${error.message} (${error.code})` : String(error);
  el.hidden = false;
}

// #region connection-state
type Connection = 'connecting' | 'connected' | 'reconnecting' | 'offline';
function setConnection(state: Connection, label: string = state): void {
  const pill = $('#connection');
  pill.dataset.state = state;
  pill.textContent = label;
}
// #endregion connection-state

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text; // textContent, never innerHTML: titles are user data
  return node;
}

const formatDuration = (ms: number) => `${Math.floor(ms / 60_000)}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;
function formatSize(bytes: string): string {
  const n = Number(bytes); // a display value: losing precision past 2^53 bytes is fine here
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  const i = Math.min(units.length - 1, Math.floor(Math.log(Math.max(n, 1)) / Math.log(1024)));
  return `${(n / 1024 ** i).toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function videoFacts(v: VideoRow): string {
  const facts = [];
  if (v.width && v.height) facts.push(`${v.width}×${v.height}`);
  if (v.codec) facts.push(v.codec);
  if (v.durationMs !== null) facts.push(formatDuration(v.durationMs));
  if (v.sizeBytes !== null) facts.push(formatSize(v.sizeBytes));
  return facts.join(' · ');
}

function jobRow(job: JobCard, simulate: boolean): HTMLLIElement {
  const row = el('li', 'job');
  row.dataset.jobId = String(job.id);
  const bar = el('div', 'bar');
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  bar.setAttribute('aria-label', `job ${job.id} progress`);
  bar.append(el('div', ''));
  row.append(el('span', 'id', `#${job.id}`), el('span', 'kind', job.kind), el('span', 'status'), bar, el('span', 'pct'));
  if (simulate) {
    const button = el('button', 'simulate', 'Simulate');
    button.type = 'button';
    button.title = 'Dev only: fake progress until lab 09’s worker exists';
    button.addEventListener('click', () => void startSimulation(job.id, button));
    row.append(button);
  }
  row.append(el('span', 'detail'));
  applyJob(row, job);
  return row;
}

// #region apply-job
/** The one place a job's row changes: first render, a progress notification, a resync. */
function applyJob(row: HTMLElement, job: Pick<JobCard, 'status' | 'progress'> & { error?: string | null }): void {
  const status = row.querySelector<HTMLElement>('.status')!;
  status.textContent = job.status;
  status.dataset.status = job.status;
  const bar = row.querySelector<HTMLElement>('.bar')!;
  bar.dataset.status = job.status;
  bar.setAttribute('aria-valuenow', String(job.progress));
  bar.querySelector<HTMLElement>('div')!.style.width = `${job.progress}%`;
  row.querySelector('.pct')!.textContent = `${job.progress}%`;
  // A running job's button stays off until its final state; a job a list says is "processing"
  // may have been interrupted long ago (lab 09 recovers those), so the button stays usable there.
  const button = row.querySelector<HTMLButtonElement>('.simulate');
  if (button && isFinal(job.status as JobStatus)) button.disabled = false;
  if (job.error !== undefined) {
    const detail = row.querySelector<HTMLElement>('.detail')!;
    detail.textContent = job.error ?? '';
    detail.hidden = !job.error;
  }
}

const rowOf = (jobId: number) => document.querySelector<HTMLElement>(`.job[data-job-id="${jobId}"]`);
// #endregion apply-job

function renderProjects(projects: Project[], simulate: boolean): void {
  const root = $('#projects');
  root.replaceChildren();
  if (projects.length === 0) root.append(el('p', 'muted', 'No projects yet.'));
  for (const project of projects) {
    const card = el('article', 'card project');
    const title = el('h2', '', `${project.name} `);
    title.append(el('span', 'muted', `${project.videos.length} video${project.videos.length === 1 ? '' : 's'}`));
    card.append(title);
    for (const video of project.videos) {
      const box = el('div', 'video');
      const head = el('div', 'video-head');
      head.append(el('strong', '', video.title), el('span', 'muted', videoFacts(video)));
      const jobs = el('ul', 'jobs');
      for (const job of video.jobs) jobs.append(jobRow(job, simulate));
      if (video.jobs.length === 0) jobs.append(el('li', 'muted', 'no jobs'));
      box.append(head, jobs);
      card.append(box);
    }
    root.append(card);
  }
}

// ---- actions ----------------------------------------------------------------------------------

async function startSimulation(jobId: number, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    await api('POST', `/api/jobs/${jobId}/simulate`);
    $('#app-error').hidden = true;
  } catch (error) {
    button.disabled = false;
    showError('#app-error', error);
  }
}

/** Catches up on whatever changed while no socket was listening (before the first open, or during a reconnect). */
async function resyncJobs(): Promise<void> {
  const { jobs } = await api<{ jobs: JobCard[] }>('GET', '/api/jobs');
  for (const job of jobs) {
    const row = rowOf(job.id);
    if (row) applyJob(row, job);
  }
}

// #region connect
function connect(me: Me): void {
  const wsBase = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
  client = new ChatClient({
    // Runs before every attempt: a fresh single-use ticket each time, never the token in the URL.
    connect: ticketConnector({ httpUrl: location.origin, wsUrl: `${wsBase}${me.realtime.path}`, token: () => token ?? '', WebSocketImpl: WebSocket }),
  });
  client.on('open', () => {
    setConnection('connected');
    void resyncJobs().catch((error: unknown) => showError('#app-error', error));
  });
  client.on('reconnecting', ({ attempt }) => setConnection('reconnecting', `reconnecting (attempt ${attempt})…`));
  client.on('giveup', () => setConnection('offline'));
  // Events come from the server only (ChatServer.sendToUser): no other user can send one.
  client.on('event', (event) => {
    const notification = parseNotification(event);
    if (notification?.type !== 'job.progress') return;
    const row = rowOf(notification.jobId);
    if (!row) return;
    applyJob(row, notification);
    const button = row.querySelector<HTMLButtonElement>('.simulate');
    if (button && notification.status === 'processing') button.disabled = true; // running right now (maybe started in another tab)
  });
  setConnection('connecting', 'connecting…');
  void client.start();
}
// #endregion connect

async function enter(): Promise<void> {
  const me = await api<Me>('GET', '/api/me');
  $('#who').textContent = `${me.user.name} · ${me.user.email}`;
  const { projects } = await api<{ projects: Project[] }>('GET', '/api/projects');
  renderProjects(projects, me.features.simulate);
  show('app');
  connect(me);
}

function signOut(): void {
  client?.close();
  client = undefined;
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  setConnection('offline');
  show('login');
}

$('#login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target as HTMLFormElement);
  $('#login-error').hidden = true;
  void api<{ token: string }>('POST', '/api/login', { email: form.get('email'), password: form.get('password') })
    .then(async (session) => {
      token = session.token;
      sessionStorage.setItem(TOKEN_KEY, token);
      await enter();
    })
    .catch((error: unknown) => showError('#login-error', error));
});

/** Log out on the server too (the session row, its cache and its sockets go), then forget it here. */
function logOut(): void {
  const ending = token;
  signOut();
  if (ending) void fetch('/api/logout', { method: 'POST', headers: { authorization: `Bearer ${ending}` } }).catch(() => {});
}

$('#logout').addEventListener('click', logOut);

if (token) enter().catch(() => signOut());
else show('login');
