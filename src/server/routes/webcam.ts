import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/schema.js';
import { describeError, isFakescopeError } from '../../errors.js';
import type { AnalysisManager } from '../analyses.js';
import { WEBCAM_GUARD } from '../input-guards.js';
import type { RelayStream } from '../webcam-relay.js';
import { WebcamRelay } from '../webcam-relay.js';
import { CLOSE, WIRE_VERSION } from '../wire.js';

/**
 * GET /api/webcam (WebSocket): the page sends MediaRecorder WebM chunks as binary messages; the
 * first chunk starts an analysis of kind "webcam" fed through the WebcamRelay, and the server
 * answers `{type: "webcam", analysis}` so the page can open that analysis's feed. Closing the
 * socket ends the input (the analysis then finishes normally). Text messages are refused (4400).
 */
export function webcamRoutes(app: FastifyInstance, deps: { config: Config; manager: AnalysisManager }): void {
  const relay = new WebcamRelay();
  app.addHook('onClose', async () => relay.close());
  app.get('/api/webcam', { websocket: true, schema: { summary: 'Send the camera as WebM chunks (WebSocket, binary messages)' } }, (socket) => {
    let stream: RelayStream | null = null;
    let starting = false;
    socket.on('message', (data, isBinary) => {
      if (!isBinary) {
        socket.send(JSON.stringify({ v: WIRE_VERSION, type: 'error', code: 'E_BAD_MESSAGE', message: 'send binary WebM chunks' }));
        socket.close(CLOSE.badMessage, 'malformed message');
        return;
      }
      const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      if (stream) {
        stream.push(chunk);
        return;
      }
      if (starting) return;
      starting = true;
      void relay.open().then((s) => {
        stream = s;
        s.push(chunk);
        deps.manager.create({ kind: 'webcam', input: s.url, display: 'webcam', guard: WEBCAM_GUARD }).then(
          (analysis) => socket.send(JSON.stringify({ v: WIRE_VERSION, type: 'webcam', analysis })),
          (e: unknown) => {
            socket.send(JSON.stringify({ v: WIRE_VERSION, type: 'error', code: isFakescopeError(e) ? e.code : 'E_INTERNAL', message: describeError(e) }));
            socket.close(CLOSE.badMessage, 'webcam input refused');
            s.end();
          },
        );
      });
    });
    socket.on('close', () => stream?.end());
  });
}
