/* global document, setInterval */
import * as api from './api.js';
import { Timeline } from './chart.js';
import { Feed } from './feed.js';
import { renderAlerts, renderFaces, renderList, renderReport, renderVerdict } from './views.js';
import { startWebcam } from './webcam.js';

/** The page: forms, the analysis list, and the live view of the selected analysis. */
const $ = (id) => document.getElementById(id);
const state = { selected: null, feed: null, alerts: new Map(), faces: new Map(), frames: 0, still: false, webcam: null };
const timeline = new Timeline($('chart'), $('chart-legend'));

$('api-key').value = api.apiKey();
$('api-key').addEventListener('change', (e) => {
  api.setApiKey(e.target.value.trim());
  void refreshList();
});

function showError(e) {
  const p = $('form-error');
  p.hidden = !e;
  p.textContent = e ? e.message : '';
}

$('upload-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const file = $('upload-file').files[0];
  if (!file) return showError(new Error('choose a video or photo first'));
  showError(null);
  try {
    select(await api.uploadVideo(file));
  } catch (err) {
    showError(err);
  }
});

$('url-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  showError(null);
  try {
    select(await api.analyseUrl($('url-input').value.trim(), $('url-live').checked));
  } catch (err) {
    showError(err);
  }
});

$('webcam-start').addEventListener('click', async () => {
  showError(null);
  try {
    $('webcam-preview').hidden = false;
    $('overlay-empty').hidden = true;
    state.webcam = await startWebcam($('webcam-preview'), (analysis) => select(analysis, true), showError);
    $('webcam-start').hidden = true;
    $('webcam-stop').hidden = false;
  } catch (err) {
    $('webcam-preview').hidden = true;
    showError(err);
  }
});

$('webcam-stop').addEventListener('click', () => {
  state.webcam?.stop();
  state.webcam = null;
  $('webcam-start').hidden = false;
  $('webcam-stop').hidden = true;
});

function select(analysis, keepPreview = false) {
  state.feed?.close();
  state.selected = analysis.id;
  state.alerts = new Map();
  state.faces = new Map();
  state.frames = 0;
  state.still = false;
  timeline.reset();
  // Nothing of the previous analysis stays on screen.
  $('stat-frames').textContent = '0';
  $('stat-faces').textContent = '0';
  $('stat-time').textContent = '0.0 s';
  $('stat-alerts').textContent = '0';
  renderFaces($('face-list'), state.faces);
  if (!keepPreview) $('webcam-preview').hidden = true;
  $('overlay').hidden = true;
  $('overlay-empty').hidden = keepPreview;
  $('live-title').textContent = analysis.input;
  $('report').replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'The report appears when the analysis ends.' }));
  $('lagging').hidden = true;
  $('source-gap').hidden = true;
  renderAlerts($('alert-list'), state.alerts);
  showInfo(analysis);
  if (['starting', 'running'].includes(analysis.status)) {
    state.feed = new Feed(analysis.id, onMessage, () => void finished(analysis.id));
  } else {
    void finished(analysis.id);
  }
  void refreshList();
}

function showInfo(info) {
  // A photo has no timeline, frame count or media time: its presentations (16 by default) are
  // samples of one picture, not moments.
  state.still = Boolean(info.media && info.media.still);
  $('timeline-card').hidden = state.still;
  $('stat-status').textContent = info.status;
  showProgress(info.frames, null);
  $('stat-alerts').textContent = String(info.alerts);
  renderVerdict($('verdict'), $('verdict-headline'), $('verdict-reason'), info.verdict);
}

/** Frames and media time so far; a photo shows "photo" and no time. */
function showProgress(frames, ptsMs) {
  $('stat-frames').textContent = state.still ? 'photo' : String(frames);
  if (state.still) $('stat-time').textContent = '—';
  else if (ptsMs !== null) $('stat-time').textContent = `${(ptsMs / 1000).toFixed(1)} s`;
}

function onMessage(msg) {
  switch (msg.type) {
    case 'hello':
    case 'status':
      showInfo(msg.analysis);
      if (msg.type === 'status') void refreshList();
      break;
    case 'frame':
      state.frames++;
      timeline.addFrame(msg.frame);
      showProgress(state.frames, msg.frame.ptsMs);
      $('stat-faces').textContent = String(msg.frame.faces.length);
      renderVerdict($('verdict'), $('verdict-headline'), $('verdict-reason'), msg.verdict);
      if (msg.verdict.threshold !== undefined) timeline.setThreshold(msg.verdict.threshold);
      if (trackFaces(msg.frame.faces)) renderFaces($('face-list'), state.faces);
      break;
    case 'overlay':
      $('overlay').src = `data:image/${msg.format};base64,${msg.data}`;
      $('overlay').hidden = false;
      $('overlay-empty').hidden = true;
      $('webcam-preview').hidden = true;
      break;
    case 'alert':
      state.alerts.set(msg.alert.id, msg.alert);
      timeline.addAlert(msg.alert);
      renderAlerts($('alert-list'), state.alerts);
      $('stat-alerts').textContent = String([...state.alerts.values()].length);
      break;
    case 'lagging':
      $('lagging').hidden = false;
      $('lagging').textContent = `Your connection is slow: ${msg.droppedOverlays} overlay image(s) skipped; frame data still arrives in full.`;
      break;
    case 'sourceGap':
      timeline.addSourceGap(msg.gap);
      $('source-gap').hidden = false;
      $('source-gap').textContent = sourceGapText(msg.gap);
      break;
    case 'gap':
      $('lagging').hidden = false;
      $('lagging').textContent = `Reconnected: messages ${msg.missedFrom}–${msg.missedTo} were no longer available.`;
      break;
    default:
      break;
  }
}

/** A dropped live source in words: while reconnecting, and once it is back. */
function sourceGapText(gap) {
  const at = `${(gap.startPtsMs / 1000).toFixed(1)} s`;
  if (gap.phase === 'start') return `The stream dropped at ${at} (${gap.reason}); reconnecting…`;
  const back = gap.endPtsMs === null ? '' : ` and came back at ${(gap.endPtsMs / 1000).toFixed(1)} s`;
  return `The stream dropped at ${at}${back} after ${gap.attempts} reconnection attempt(s); nothing in between was analysed (grey on the timeline).`;
}

/** Keeps each face's latest track verdict; true when something shown changed. */
function trackFaces(faces) {
  let changed = false;
  for (const f of faces) {
    if (!f.verdict) continue;
    const old = state.faces.get(f.trackId);
    if (old && old.verdict === f.verdict.verdict && old.pFake === f.verdict.pFake) continue;
    state.faces.set(f.trackId, { verdict: f.verdict.verdict, pFake: f.verdict.pFake });
    changed = true;
  }
  return changed;
}

async function finished(id) {
  if (state.selected !== id) return;
  try {
    const [info, alerts, report, summary] = await Promise.all([api.getAnalysis(id), api.getAlerts(id), api.getReport(id), api.getSummary(id)]);
    if (state.selected !== id) return;
    showInfo(info);
    for (const a of alerts) state.alerts.set(a.id, a);
    renderAlerts($('alert-list'), state.alerts);
    if (state.frames === 0 && report.frames) {
      for (const f of report.frames) timeline.addFrame(f);
      state.frames = report.frames.length;
    }
    timeline.setThreshold(summary.threshold);
    for (const a of state.alerts.values()) timeline.addAlert(a);
    // The final word per face: the report's track verdicts (equal to the last frame's).
    state.faces = new Map(summary.faces.map((f) => [f.trackId, { verdict: f.verdict, pFake: f.pFake, headline: f.headline }]));
    renderFaces($('face-list'), state.faces);
    renderReport($('report'), report, summary, { json: api.reportHref(id), html: api.reportHref(id, 'report.html') });
  } catch (err) {
    $('report').textContent = err.message;
  }
  void refreshList();
}

async function refreshList() {
  try {
    renderList($('analysis-list'), await api.listAnalyses(), state.selected, (a) => select(a));
  } catch (err) {
    renderList($('analysis-list'), [], null, () => undefined);
    showError(err);
  }
}

void refreshList();
setInterval(() => void refreshList(), 5000);
