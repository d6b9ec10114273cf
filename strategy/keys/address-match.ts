import { BlockList, isIP } from "node:net";
import { patternListMatches } from "./formats/ssh-pattern.js";

/*
 * The one matcher of a client address against what a key or certificate allows: a
 * certificate's `source-address` (addresses and CIDR blocks, addr_match_cidr_list in OpenSSH)
 * and an authorized_keys `from=` (those, `*`/`?` wildcards and `!` negation, match_host_and_ip).
 */

/** An IPv4 client seen through an IPv6 socket ("::ffff:192.0.2.1") is matched as IPv4, as OpenSSH does. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** One address or CIDR block as a BlockList; "invalid" for a block with a bad prefix, null for text that is no address. */
function readBlock(entry: string): BlockList | "invalid" | null {
  const [base = "", prefix, extra] = entry.split("/");
  const family = isIP(base);
  if (family === 0) return prefix === undefined ? null : "invalid";
  const type = family === 4 ? "ipv4" : "ipv6";
  const block = new BlockList();
  if (prefix === undefined) {
    block.addAddress(base, type);
    return block;
  }
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  if (extra !== undefined || bits < 0 || bits > (family === 4 ? 32 : 128)) return "invalid";
  block.addSubnet(base, bits, type);
  return block;
}

function contains(block: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && block.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Whether `address` is in a `source-address` list (comma-separated addresses and CIDR blocks); null when the list is malformed. */
export function addressListAllows(list: string, address: string | null): boolean | null {
  const blocks: BlockList[] = [];
  for (const entry of list.split(",")) {
    const block = readBlock(entry);
    if (block === null || block === "invalid") return null;
    blocks.push(block);
  }
  if (address === null) return false;
  const plain = plainAddress(address);
  return blocks.some((block) => contains(block, plain));
}

/** Characters of a `from=` pattern: addresses, CIDR, host names, wildcards, a leading `!`. */
const fromEntry = /^!?[A-Za-z0-9._:%*?/-]+$/;

/**
 * Why sshd would refuse this `from=` list, or null when it reads it: no empty entries, no
 * characters outside addresses, names and wildcards, CIDR prefixes in range.
 */
export function fromListProblem(list: string): string | null {
  for (const entry of list.split(",")) {
    if (entry === "" || entry === "!") return "from= has an empty pattern";
    if (!fromEntry.test(entry)) return "from= patterns may hold addresses, CIDR blocks, host names, * and ? only, each optionally led by !";
    if (readBlock(entry.replace(/^!/, "")) === "invalid") return "from= has a CIDR block with an invalid prefix length";
  }
  return null;
}

/**
 * Whether a client at `address` may use a key with `from="list"`, as sshd with `UseDNS no` (its
 * default) decides: the address is its own host name, so a host-name pattern never matches; an
 * entry matches as a CIDR block or as a wildcard pattern over the address text; any `!` entry
 * that matches refuses. No address (not an IP connection) is refused.
 */
export function fromListAllows(list: string, address: string | null): boolean {
  if (address === null || fromListProblem(list) !== null) return false;
  const plain = plainAddress(address).toLowerCase();
  if (isIP(plain) === 0) return false;
  let allowed = false;
  for (const entry of list.split(",")) {
    const negated = entry.startsWith("!");
    const pattern = (negated ? entry.slice(1) : entry).toLowerCase();
    const block = readBlock(pattern);
    const matches = block instanceof BlockList ? contains(block, plain) : patternListMatches(plain, pattern);
    if (!matches) continue;
    if (negated) return false;
    allowed = true;
  }
  return allowed;
}
