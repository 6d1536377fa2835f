// The dashboard's script (bundled by dashboard-assets.ts). No framework: the page is a few lists.
// It logs in, draws the user's projects, videos and jobs, uploads videos, starts and cancels jobs,
// and keeps one WebSocket open with lab 08's client, wrapped in lab 10's ResumingClient: the page
// subscribes to its user's stream, where every `job.progress` notification arrives with its
// position, and after a reconnect (to this or another app instance) it resumes from the last one
// it saw, so the bar continues without a gap. Every job state carries the row's version: the page
// keeps the newest one it has seen, whichever way (snapshot or live) and in whatever order it arrived.
import './zod-jitless.ts'; // first: before any imported module builds a schema
import { CloseCode } from '../../07-websocket-server/protocol.ts';
import { ChatClient, ticketConnector } from '../../08-websocket-client/index.ts';
import { ResumingClient } from '../../10-pubsub-scaling/resuming-client.ts';
import { userStream } from '../../10-pubsub-scaling/streams.ts';
import type { JobStatus } from '../../../generated/prisma/enums.ts';
import { isFinal, parseNotification } from '../notifications.ts';

// ---- what the API sends (dates and bigints arrive as strings) ---------------------------------

interface JobCard {
  id: number;
  kind: string;
  status: string;
  progress: number;
  version: number;
  error: string | null;
  etaMs?: number | null;
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
  features: { operations: string[]; maxUploadBytes: number };
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
let me: Me | undefined;
/** The newest state seen of each job (from a snapshot or a notification), by version. */
const latest = new Map<number, JobCard>();

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

async function send(method: 'GET' | 'POST', path: string, init: { json?: unknown; body?: Blob; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: init.json !== undefined ? JSON.stringify(init.json) : (init.body ?? null) });
  if (!res.ok) {
    const payload = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
    if (res.status === 401 && path !== '/api/login') signOut();
    throw new ApiRequestError(res.status, payload.error ?? 'unknown', payload.message ?? res.statusText);
  }
  return res;
}

async function api<T>(method: 'GET' | 'POST', path: string, json?: unknown): Promise<T> {
  return (await (await send(method, path, { json })).json()) as T;
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

function button(label: string, className: string, onClick: (b: HTMLButtonElement) => void): HTMLButtonElement {
  const b = el('button', className, label);
  b.type = 'button';
  b.addEventListener('click', () => onClick(b));
  return b;
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

const OPERATION_LABELS: Record<string, string> = { 'transcode-480p': 'Transcode 480p', 'transcode-720p': 'Transcode 720p', thumbnail: 'Thumbnail' };

function jobRow(job: JobCard): HTMLLIElement {
  const row = el('li', 'job');
  row.dataset.jobId = String(job.id);
  row.dataset.version = '-1';
  const bar = el('div', 'bar');
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  bar.setAttribute('aria-label', `job ${job.id} progress`);
  bar.append(el('div', ''));
  const actions = el('span', 'actions');
  actions.append(
    button('Cancel', 'cancel', (b) => void cancelJob(job.id, b)),
    button('Open', 'open', (b) => void openOutput(job.id, row, b)),
  );
  row.append(el('span', 'id', `#${job.id}`), el('span', 'kind', job.kind), el('span', 'status'), bar, el('span', 'pct'), el('span', 'eta'), actions, el('span', 'detail'), el('div', 'output'));
  applyJob(row, job);
  return row;
}

// #region apply-job
/**
 * The one place a job's row changes: first render, a notification, a resync. A state older than
 * the one shown (a lower version: a slow snapshot that left the server before the latest live
 * update) is ignored, so the row never goes back in time.
 */
function applyJob(row: HTMLElement, job: JobCard): void {
  const known = latest.get(job.id);
  if (!known || job.version >= known.version) latest.set(job.id, job);
  const current = latest.get(job.id)!;
  if (current.version <= Number(row.dataset.version)) return; // already showing this state, or a newer one
  row.dataset.version = String(current.version);
  const status = row.querySelector<HTMLElement>('.status')!;
  status.textContent = current.status;
  status.dataset.status = current.status;
  const bar = row.querySelector<HTMLElement>('.bar')!;
  bar.dataset.status = current.status;
  bar.setAttribute('aria-valuenow', String(current.progress));
  bar.querySelector<HTMLElement>('div')!.style.width = `${current.progress}%`;
  row.querySelector('.pct')!.textContent = `${current.progress}%`;
  const eta = current.status === 'processing' && typeof current.etaMs === 'number' ? `${Math.ceil(current.etaMs / 1000)} s left` : '';
  row.querySelector('.eta')!.textContent = eta;
  const final = isFinal(current.status as JobStatus);
  row.querySelector<HTMLButtonElement>('.cancel')!.hidden = final;
  row.querySelector<HTMLButtonElement>('.open')!.hidden = current.status !== 'completed';
  const detail = row.querySelector<HTMLElement>('.detail')!;
  detail.textContent = current.error ?? '';
  detail.hidden = !current.error;
}

const rowOf = (jobId: number) => document.querySelector<HTMLElement>(`.job[data-job-id="${jobId}"]`);
// #endregion apply-job

function renderProjects(projects: Project[]): void {
  const root = $('#projects');
  root.replaceChildren();
  if (projects.length === 0) root.append(el('p', 'muted', 'No projects yet.'));
  for (const project of projects) {
    const card = el('article', 'card project');
    card.dataset.projectId = String(project.id);
    const title = el('h2', '', `${project.name} `);
    title.append(el('span', 'muted', `${project.videos.length} video${project.videos.length === 1 ? '' : 's'}`));
    card.append(title, uploadForm(project.id));
    for (const video of project.videos) card.append(videoBox(video));
    root.append(card);
  }
}

function videoBox(video: VideoRow): HTMLElement {
  const box = el('div', 'video');
  box.dataset.videoId = String(video.id);
  const head = el('div', 'video-head');
  head.append(el('strong', 'title', video.title), el('span', 'muted facts', videoFacts(video)));
  if (video.durationMs !== null) {
    for (const operation of me?.features.operations ?? []) {
      head.append(button(OPERATION_LABELS[operation] ?? operation, 'start', (b) => void startJob(video.id, operation, b)));
    }
  } else {
    // No duration: the file could not be read (a broken upload), so no job is offered. Say why.
    const reason = video.jobs.find((j) => j.status === 'failed' && j.error)?.error;
    head.append(el('span', 'unreadable', `${korean ? '읽을 수 없는 영상' : 'Not a readable video'}${reason ? `: ${reason}` : ''}`));
  }
  const jobs = el('ul', 'jobs');
  for (const job of video.jobs) jobs.append(jobRow(job));
  box.append(head, jobs);
  return box;
}

function uploadForm(projectId: number): HTMLFormElement {
  const form = el('form', 'upload');
  const input = el('input', '');
  input.type = 'file';
  input.name = 'video';
  input.accept = 'video/*';
  input.required = true;
  const submit = el('button', '', 'Upload');
  submit.type = 'submit';
  const status = el('span', 'muted upload-status');
  form.append(input, submit, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const file = input.files?.[0];
    if (file) void upload(projectId, file, submit, status);
  });
  return form;
}

// ---- actions ----------------------------------------------------------------------------------

async function upload(projectId: number, file: File, submit: HTMLButtonElement, status: HTMLElement): Promise<void> {
  submit.disabled = true;
  status.textContent = `uploading ${formatSize(String(file.size))}…`;
  try {
    await send('POST', `/api/projects/${projectId}/videos`, {
      body: file,
      headers: { 'content-type': file.type || 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) },
    });
    status.textContent = '';
    await refreshProjects();
  } catch (error) {
    status.textContent = '';
    showError('#app-error', error);
  } finally {
    submit.disabled = false;
  }
}

async function startJob(videoId: number, operation: string, b: HTMLButtonElement): Promise<void> {
  b.disabled = true;
  try {
    const { job } = await api<{ job: { jobId: number; kind: string; status: string; progress: number; version: number } }>('POST', `/api/videos/${videoId}/jobs`, { operation });
    const list = document.querySelector(`.video[data-video-id="${videoId}"] .jobs`);
    if (list && !rowOf(job.jobId)) list.append(jobRow({ id: job.jobId, kind: job.kind, status: job.status, progress: job.progress, version: job.version, error: null }));
    $('#app-error').hidden = true;
  } catch (error) {
    showError('#app-error', error);
  } finally {
    b.disabled = false;
  }
}

async function cancelJob(jobId: number, b: HTMLButtonElement): Promise<void> {
  b.disabled = true;
  try {
    const { job } = await api<{ job: { status: string; progress: number; version: number; kind: string } }>('POST', `/api/jobs/${jobId}/cancel`);
    const row = rowOf(jobId);
    if (row) applyJob(row, { id: jobId, kind: job.kind, status: job.status, progress: job.progress, version: job.version, error: null });
  } catch (error) {
    showError('#app-error', error);
  } finally {
    b.disabled = false;
  }
}

/** The output needs the session token, which a <video src> cannot send: fetch it, then show it from a blob: URL. */
async function openOutput(jobId: number, row: HTMLElement, b: HTMLButtonElement): Promise<void> {
  b.disabled = true;
  try {
    const res = await send('GET', `/api/jobs/${jobId}/output`);
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const box = row.querySelector<HTMLElement>('.output')!;
    const old = box.dataset.url;
    if (old) URL.revokeObjectURL(old);
    box.dataset.url = url;
    const media = blob.type.startsWith('image/') ? el('img', '') : el('video', '');
    media.src = url;
    if (media instanceof HTMLVideoElement) media.controls = true;
    const download = el('a', 'download', 'Download');
    download.href = url;
    download.download = `job-${jobId}${blob.type.startsWith('image/') ? '.jpg' : '.mp4'}`;
    box.replaceChildren(media, download);
  } catch (error) {
    showError('#app-error', error);
  } finally {
    b.disabled = false;
  }
}

async function refreshProjects(): Promise<void> {
  const { projects } = await api<{ projects: Project[] }>('GET', '/api/projects');
  renderProjects(projects);
}

/** Catches up on whatever changed while no socket was listening (before the first open, or during a reconnect). */
async function resyncJobs(): Promise<void> {
  const { jobs } = await api<{ jobs: JobCard[] }>('GET', '/api/jobs');
  for (const job of jobs) {
    const row = rowOf(job.id);
    if (row) applyJob(row, job);
  }
  const synced = Number(document.body.dataset.resyncs ?? '0') + 1;
  document.body.dataset.resyncs = String(synced); // tests wait on this
}

// #region connect
function connect(): void {
  const wsBase = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
  client = new ChatClient({
    // Runs before every attempt: a fresh single-use ticket each time, never the token in the URL.
    connect: ticketConnector({ httpUrl: location.origin, wsUrl: `${wsBase}${me!.realtime.path}`, token: () => token ?? '', WebSocketImpl: WebSocket }),
  });
  client.on('open', () => {
    setConnection('connected');
    void resyncJobs().catch((error: unknown) => showError('#app-error', error));
  });
  client.on('reconnecting', ({ attempt }) => setConnection('reconnecting', `reconnecting (attempt ${attempt})…`));
  // The server ended this session (a logout in another tab: 4003; its time is up: 4001): no
  // reconnect can help, so back to the login form with the reason, not an offline page of stale data.
  client.on('giveup', ({ code }) => {
    if (code === CloseCode.SESSION_REVOKED) signOut(korean ? '로그아웃되었습니다. 다시 로그인하세요.' : 'You were logged out. Log in again.');
    else if (code === CloseCode.SESSION_EXPIRED) signOut(korean ? '세션이 만료되었습니다. 다시 로그인하세요.' : 'Your session expired. Log in again.');
    else setConnection('offline');
  });
  // The user's stream: only this user may subscribe to it, and only the server publishes to it.
  // ResumingClient sends the last position seen on every open and drops anything seen already.
  const resuming = new ResumingClient(client);
  resuming.on('resync', () => void resyncJobs().catch((error: unknown) => showError('#app-error', error)));
  resuming.on('delivery', ({ message }) => {
    if (message.type !== 'event') return;
    const n = parseNotification(message);
    if (n?.type !== 'job.progress') return;
    const row = rowOf(n.jobId);
    // A job this page has not drawn (started in another tab): draw the lists again.
    if (!row) return void refreshProjects().catch((error: unknown) => showError('#app-error', error));
    applyJob(row, { id: n.jobId, kind: '', status: n.status, progress: n.progress, version: n.version, error: n.error ?? null, etaMs: n.etaMs ?? null });
  });
  resuming.subscribe(userStream(me!.user.id));
  setConnection('connecting', 'connecting…');
  void client.start();
}
// #endregion connect

async function enter(): Promise<void> {
  me = await api<Me>('GET', '/api/me');
  $('#who').textContent = `${me.user.name} · ${me.user.email}`;
  await refreshProjects();
  show('app');
  connect();
}

/** The page's language is Korean (<html lang="ko">): its notices are too. */
const korean = document.documentElement.lang.startsWith('ko');

/** Forgets the session here and shows the login form, with `notice` (why) above it if given. */
function signOut(notice?: string): void {
  client?.close();
  client = undefined;
  token = null;
  latest.clear();
  sessionStorage.removeItem(TOKEN_KEY);
  setConnection('offline');
  show('login');
  if (notice) {
    $('#login-error').textContent = notice;
    $('#login-error').hidden = false;
  }
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
