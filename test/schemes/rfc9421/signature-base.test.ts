// The shared RFC 9421 pieces (strategy/schemes/rfc9421/) against the RFC's own Appendix B.2
// examples: each signature base is rebuilt from the test message and checked line by line,
// then the RFC's signature is verified over it with the RFC's key, which proves the base exact.
import { constants, createHmac, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isAuthError } from "../../../strategy/errors.js";
import { httpSignatureKeyTypes, keyTypeOfHttpSignatureAlg, sshKeyType } from "../../../strategy/keys/algorithms.js";
import { componentValues, type ComponentId } from "../../../strategy/schemes/rfc9421/components.js";
import { checkContentDigest, contentDigest } from "../../../strategy/schemes/rfc9421/content-digest.js";
import { parseSignature, parseSignatureInput, serializeSignature, serializeSignatureInput } from "../../../strategy/schemes/rfc9421/fields.js";
import { headerLookup, splitTargetUri, type HttpMessage } from "../../../strategy/schemes/rfc9421/message.js";
import { signatureBase, signatureParameters, signatureParamsValue } from "../../../strategy/schemes/rfc9421/signature-base.js";

const dir = new URL("../../fixtures/rfc9421/", import.meta.url);
interface Example {
  id: string;
  message: "request" | "response";
  alg: string;
  key: string;
  signatureInput: string;
  signature: string;
  base: string[];
}
interface Fixture {
  request: { method: string; targetUri: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string };
  examples: Example[];
}
const fixture = JSON.parse(readFileSync(new URL("appendix-b.json", dir), "utf8")) as Fixture;

const request: HttpMessage = { method: fixture.request.method, targetUri: fixture.request.targetUri, header: headerLookup(fixture.request.headers) };
const response: HttpMessage = { ...request, status: fixture.response.status, header: headerLookup(fixture.response.headers) };

function verifies(example: Example, base: string, signature: Buffer): boolean {
  const keyText = readFileSync(new URL(example.key, dir), "utf8");
  if (example.alg === "hmac-sha256") {
    return createHmac("sha256", Buffer.from(keyText.trim(), "base64")).update(base).digest().equals(signature);
  }
  const key: KeyObject = createPublicKey(createPrivateKey(keyText));
  if (example.alg === "rsa-pss-sha512") {
    return cryptoVerify("sha512", Buffer.from(base), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }, signature);
  }
  if (example.alg === "ecdsa-p256-sha256") return cryptoVerify("sha256", Buffer.from(base), { key, dsaEncoding: "ieee-p1363" }, signature);
  return cryptoVerify(null, Buffer.from(base), key, signature);
}

describe("RFC 9421 Appendix B.2 signature bases", () => {
  for (const example of fixture.examples) {
    it(`${example.id} (${example.alg}): the base line by line, and the RFC's signature verifies over it`, () => {
      const [label, input] = [...parseSignatureInput(example.signatureInput)][0]!;
      const signature = parseSignature(example.signature).get(label)!;
      const base = signatureBase(example.message === "request" ? request : response, input.components, input.params);
      expect(base.split("\n")).toEqual(example.base);
      expect(verifies(example, base, signature)).toBe(true);
      expect(verifies(example, base.replace("example.com", "example.org") + " ", signature)).toBe(false);
      // Writing the fields back gives the RFC's text: the client serialises what the server parses.
      expect(serializeSignatureInput(label, input.components, input.params)).toBe(example.signatureInput);
      expect(serializeSignature(label, signature)).toBe(example.signature);
    });
  }

  it("B.2.6: Ed25519 is deterministic, so signing the rebuilt base gives the RFC's signature byte for byte", () => {
    const example = fixture.examples.find((e) => e.id === "B.2.6")!;
    const [label, input] = [...parseSignatureInput(example.signatureInput)][0]!;
    const base = signatureBase(request, input.components, input.params);
    const key = createPrivateKey(readFileSync(new URL(example.key, dir), "utf8"));
    expect(serializeSignature(label, cryptoSign(null, Buffer.from(base), key))).toBe(example.signature);
  });

  it("Content-Digest (RFC 9530): the test request's and response's sha-512, and sha-256", () => {
    expect(contentDigest(fixture.request.body, "sha-512")).toBe(fixture.request.headers["Content-Digest"]);
    expect(contentDigest(fixture.response.body, "sha-512")).toBe(fixture.response.headers["Content-Digest"]);
    // RFC 9530 Appendix B.1's sha-256 of {"hello": "world"}.
    expect(contentDigest(fixture.request.body)).toBe("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
    expect(checkContentDigest(fixture.request.headers["Content-Digest"]!, fixture.request.body)).toBe("match");
    expect(checkContentDigest(fixture.request.headers["Content-Digest"]!, "{}")).toBe("mismatch");
    expect(checkContentDigest("md5=:AAAA:", "{}")).toBe("unsupported");
    expect(checkContentDigest('sha-256="abc"', "{}")).toBe("malformed");
    expect(checkContentDigest("sha-256=:", "{}")).toBe("malformed");
    expect(checkContentDigest(`${contentDigest("{}")}, md5=:AAAA:`, "{}")).toBe("match");
  });
});

describe("RFC 9421 derived components", () => {
  const message = (targetUri: string, headers: Record<string, string | string[]> = {}): HttpMessage => ({
    method: "GET",
    targetUri,
    header: headerLookup(headers),
  });
  const value = (m: HttpMessage, name: string, params: [string, string][] = []) => componentValues(m, { name, params: new Map(params) } satisfies ComponentId);

  it("splits the target URI without normalising its path or query (§2.2)", () => {
    const m = message("HTTPS://WWW.Example.com:443/a/../b%2f?x=1&y=%20");
    expect(value(m, "@target-uri")).toEqual(["HTTPS://WWW.Example.com:443/a/../b%2f?x=1&y=%20"]);
    expect(value(m, "@authority")).toEqual(["www.example.com"]);
    expect(value(m, "@scheme")).toEqual(["https"]);
    expect(value(m, "@path")).toEqual(["/a/../b%2f"]);
    expect(value(m, "@query")).toEqual(["?x=1&y=%20"]);
    expect(value(m, "@request-target")).toEqual(["/a/../b%2f?x=1&y=%20"]);
    expect(value(message("http://h:8080"), "@authority")).toEqual(["h:8080"]);
    expect(value(message("http://h:8080"), "@path")).toEqual(["/"]);
    expect(value(message("http://h/p"), "@query")).toEqual(["?"]);
    expect(value(message("http://[::1]:80/p"), "@authority")).toEqual(["[::1]"]);
    expect(splitTargetUri("/relative")).toBeNull();
    expect(splitTargetUri("https://user@host/")).toBeNull();
    expect(splitTargetUri("https://host/#fragment")).toBeNull();
  });

  it("@query-param: each occurrence, decoded and re-encoded (§2.2.8)", () => {
    const m = message("https://h/p?var=this%20is%20a%20big%0Aval&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something&var=2");
    expect(value(m, "@query-param", [["name", "var"]])).toEqual(["this%20is%20a%20big%0Aval", "2"]);
    expect(value(m, "@query-param", [["name", "bar"]])).toEqual(["with%20plus%20whitespace"]);
    expect(value(m, "@query-param", [["name", "fa%C3%A7ade%22%3A%20"]])).toEqual(["something"]);
  });

  it("fields: every value trimmed and joined by ', ' (§2.1), a dictionary member by ;key (§2.1.2)", () => {
    const m = message("https://h/", { "x-list": [" a ", "b,  c"], "x-dict": "a=1,   b=2;x=1;y=2, c=(a   b   c)", Host: "h" });
    expect(value(m, "x-list")).toEqual(["a, b,  c"]);
    expect(value(m, "host")).toEqual(["h"]);
    expect(value(m, "x-dict", [["key", "b"]])).toEqual(["2;x=1;y=2"]);
    expect(value(m, "x-dict", [["key", "c"]])).toEqual(["(a b c)"]);
  });

  it("refuses what it cannot derive with component_unknown, and what the message lacks with component_missing", () => {
    const m = message("https://h/p?a=1", { "x-dict": "a=1" });
    const codeOf = (name: string, params: [string, string | number][] = []) => {
      try {
        componentValues(m, { name, params: new Map(params) });
        return "derived";
      } catch (error) {
        return isAuthError(error) ? error.code : "threw";
      }
    };
    expect(codeOf("@nonsense")).toBe("component_unknown");
    expect(codeOf("Date")).toBe("component_unknown");
    expect(codeOf("x-dict", [["sf", 1]])).toBe("component_unknown");
    expect(codeOf("@method", [["req", 1]])).toBe("component_unknown");
    expect(codeOf("@query-param")).toBe("component_unknown");
    expect(codeOf("bad name")).toBe("component_unknown");
    expect(codeOf("date")).toBe("component_missing");
    expect(codeOf("@status")).toBe("component_missing");
    expect(codeOf("@query-param", [["name", "b"]])).toBe("component_missing");
    expect(codeOf("x-dict", [["key", "b"]])).toBe("component_missing");
    expect(() =>
      signatureBase(
        m,
        [
          { name: "@method", params: new Map() },
          { name: "@method", params: new Map() },
        ],
        new Map(),
      ),
    ).toThrow(/twice/);
  });

  it("serialises signature parameters in one order, as Signature-Input and the base's last line write them", () => {
    const params = signatureParameters({ keyid: "SHA256:abc", nonce: "n1", created: 1700000000, alg: "ed25519" });
    expect(signatureParamsValue([{ name: "@method", params: new Map() }], params)).toBe(
      '("@method");created=1700000000;nonce="n1";alg="ed25519";keyid="SHA256:abc"',
    );
  });

  it("parses only dictionaries of the right member types", () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
        return "parsed";
      } catch (error) {
        return isAuthError(error) ? error.code : "threw";
      }
    };
    expect(codeOf(() => parseSignatureInput("sig=(@method)"))).toBe("signature_input_malformed");
    expect(codeOf(() => parseSignatureInput('sig="@method"'))).toBe("signature_input_malformed");
    expect(codeOf(() => parseSignatureInput("sig=(method)"))).toBe("signature_input_malformed");
    expect(codeOf(() => parseSignature("sig=abc"))).toBe("signature_malformed");
    expect(codeOf(() => parseSignature("sig=(:AAAA:)"))).toBe("signature_malformed");
    expect(codeOf(() => parseSignature("sig=:AAAA:"))).toBe("parsed");
  });
});

describe("the algorithm table's RFC 9421 column", () => {
  it("maps each SSH key type to its registered alg, and refuses P-521, security keys and algorithms no SSH key makes", () => {
    expect([...httpSignatureKeyTypes]).toEqual(["ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384"]);
    expect(sshKeyType("ecdsa-sha2-nistp384").httpSignatureAlg).toBe("ecdsa-p384-sha384");
    expect(sshKeyType("ecdsa-sha2-nistp521").httpSignatureAlg).toBeNull();
    expect(sshKeyType("sk-ssh-ed25519@openssh.com").httpSignatureAlg).toBeNull();
    expect(keyTypeOfHttpSignatureAlg("rsa-v1_5-sha256")).toBe("ssh-rsa");
    expect(keyTypeOfHttpSignatureAlg("ed25519")).toBe("ssh-ed25519");
    for (const alg of ["hmac-sha256", "rsa-pss-sha512", "ecdsa-p521-sha512", "toString", ""]) expect(keyTypeOfHttpSignatureAlg(alg)).toBeNull();
  });
});
