import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  agentSigner,
  authorizationFor,
  createJwtToken,
  crtauthLogin,
  listAgentKeys,
  loadKeyFileSigner,
  signSshauthToken,
} from "../../strategy/client/index.js";

const { privateKey } = crypto.generateKeyPairSync("ed25519");
const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

// A misspelt client option must fail where it is written, not sign a different request.
describe("client options are checked at every depth", () => {
  it("names unknown keys, nested ones included", async () => {
    const signer = await loadKeyFileSigner({ text: pem });
    const request = { method: "GET", url: new URL("http://127.0.0.1/") };
    await expect(authorizationFor({ scheme: "sshauth", signer, username: "alice", sshauth: { binding: true } } as never, request)).rejects.toThrow(
      new TypeError('authorizationFor: unknown option "sshauth.binding"'),
    );
    await expect(createJwtToken({ signer, username: "alice", audiance: "x" } as never)).rejects.toThrow('createJwtToken: unknown option "audiance"');
    await expect(signSshauthToken({ signer, identity: "alice", magik: "x" } as never)).rejects.toThrow('signSshauthToken: unknown option "magik"');
    await expect(loadKeyFileSigner({ text: pem }, { password: "x" } as never)).rejects.toThrow('loadKeyFileSigner: unknown option "password"');
    await expect(agentSigner({ socket: "/tmp/x" } as never)).rejects.toThrow('agentSigner: unknown option "socket"');
    await expect(listAgentKeys({ timeoutMs: -1 })).rejects.toThrow(/^listAgentKeys: option "timeoutMs": /);
    await expect(crtauthLogin("http://127.0.0.1:1", { username: "alice", signer, server: "x" } as never)).rejects.toThrow(
      'crtauthLogin: unknown option "server"',
    );
  });

  it("refuses a missing signer or an empty username before any signing", async () => {
    await expect(createJwtToken({ username: "alice" } as never)).rejects.toThrow(/^createJwtToken: option "signer": /);
    const signer = await loadKeyFileSigner({ text: pem });
    await expect(createJwtToken({ signer, username: "" })).rejects.toThrow(/^createJwtToken: option "username": /);
  });
});
