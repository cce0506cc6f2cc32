/* global navigator, MediaRecorder, WebSocket, setTimeout */
import { wsUrl } from './api.js';
import { WIRE_VERSION } from './wire.gen.js';

/**
 * Streams the camera to the server: MediaRecorder WebM chunks every 250 ms as binary WebSocket
 * messages on /api/webcam. The server answers with the new analysis (`type: "webcam"`).
 * Chunks are skipped while the socket has more than 2 MB queued, so a slow uplink cannot grow the
 * page's memory.
 */
export async function startWebcam(preview, onAnalysis, onError) {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  preview.srcObject = media;
  await preview.play().catch(() => undefined);
  const ws = new WebSocket(wsUrl('/api/webcam'));
  ws.binaryType = 'arraybuffer';
  const mime = ['video/webm;codecs=vp8', 'video/webm'].find((m) => MediaRecorder.isTypeSupported(m));
  const recorder = new MediaRecorder(media, mime ? { mimeType: mime } : {});
  recorder.ondataavailable = async (ev) => {
    if (ev.data.size === 0 || ws.readyState !== WebSocket.OPEN || ws.bufferedAmount > 2_000_000) return;
    ws.send(await ev.data.arrayBuffer());
  };
  ws.onopen = () => recorder.start(250);
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.v !== WIRE_VERSION) return;
    if (msg.type === 'webcam') onAnalysis(msg.analysis);
    if (msg.type === 'error') onError(new Error(msg.message));
  };
  ws.onerror = () => onError(new Error('camera connection failed'));
  return {
    stop() {
      if (recorder.state !== 'inactive') recorder.stop();
      for (const t of media.getTracks()) t.stop();
      // Let the last chunk go out before closing.
      setTimeout(() => ws.close(), 300);
    },
  };
}
