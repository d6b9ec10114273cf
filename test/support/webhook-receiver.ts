// A webhook receiver on loopback (node:http) that checks each delivery's signature with the
// secret, answers as each test scripts it, and keeps what it got.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhookSignature, webhookHeaders } from "../../strategy/notify/webhooks/signature.js";

interface ReceivedDelivery {
  event: string;
  deliveryId: string;
  body: { id: string; event: string; at: string; data: Record<string, any> };
  /** The signature checked with the secret the receiver was given. */
  verified: boolean;
  at: number;
}

export type Answer = (res: http.ServerResponse, req: http.IncomingMessage) => void;

export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  secret: string;
  /** Every later request is answered by the next of these, the last one repeating. */
  answers: Answer[];
  close(): Promise<void>;
}

export const ok: Answer = (res) => res.writeHead(204).end();
export const status =
  (code: number, headers: Record<string, string> = {}): Answer =>
  (res) =>
    res.writeHead(code, headers).end();

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = { url: "", received: [], secret: "", answers: [ok], close: async () => {} };
  let served = 0;
  const server = http.createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => {
      const header = (name: string) => String(req.headers[name.toLowerCase()] ?? "");
      receiver.received.push({
        event: header(webhookHeaders.event),
        deliveryId: header(webhookHeaders.delivery),
        body: JSON.parse(text) as ReceivedDelivery["body"],
        verified: verifyWebhookSignature(receiver.secret, header(webhookHeaders.timestamp), text, header(webhookHeaders.signature)),
        at: Date.now(),
      });
      const answer = receiver.answers[Math.min(served++, receiver.answers.length - 1)]!;
      answer(res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}
