import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

/**
 * Where a webhook may not go unless private delivery is allowed: loopback, link-local (cloud
 * metadata at 169.254.169.254), private and shared ranges, and the unspecified address.
 * https://www.iana.org/assignments/iana-ipv4-special-registry
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/** An IPv4 address written as IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address. */
const mappedV4 = (address: string): string | undefined => /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];

export function isPrivateAddress(address: string): boolean {
  const v4 = mappedV4(address);
  if (v4) return blocked.check(v4, "ipv4");
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

export class BlockedAddressError extends Error {
  override name = "BlockedAddressError";
}

const refusal = (host: string, address: string) =>
  new BlockedAddressError(
    `${host} resolves to ${address}, a private, loopback or link-local address; set OMNARA_WEBHOOK_ALLOW_PRIVATE=true to allow it`,
  );

/** Refuses a URL whose host is itself a private IP literal (connect skips lookup for those). */
export function checkLiteralHost(hostname: string, allowPrivate: boolean): void {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) throw refusal(host, host);
}

/**
 * A `lookup` for the socket: the address checked is the one the connection is made to, so a
 * name that resolves to a public address when saved and to 127.0.0.1 when sent (DNS rebinding)
 * is still refused.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const bad = allowPrivate ? undefined : addresses.find((entry) => isPrivateAddress(entry.address));
      if (bad) return callback(refusal(hostname, bad.address), "", 0);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} has no address`), "", 0);
      callback(null, first.address, first.family);
    });
  };
}
