// Preloaded into the open-source Portkey gateway by portkey.local.gateway.LocalGateway
// (`node --require gateway_preload.js gateway/build/start-server.js`). It changes no gateway
// code; it adjusts two Node runtime behaviours the gateway trips over.
//
// 1. Streaming answers fail with 500 and "TypeError: immutable".
//    The gateway wraps the provider's streamed answer as `new Response(stream, fetched)` and
//    then appends its x-portkey-* headers to it (ResponseService.updateHeaders). At start-up
//    @hono/node-server replaces the global Response with a lightweight class. In the version
//    the gateway's `^1.3.3` range resolves to today (1.19.x) that class keeps `fetched.headers`
//    itself -- a Headers object fetch() guards as "immutable" -- so the append throws. (1.13.5,
//    the version in the gateway's own lockfile, copied the headers instead.) Non-streamed
//    answers escape only because the gateway rebuilds them with fresh headers first.
//    Returning fetch() answers whose headers are a mutable copy removes the failure for every
//    route. PORTKEY_GATEWAY_STREAMING_WORKAROUND=0 turns this off, to check whether a newer
//    gateway still needs it.
//
// 2. The gateway listens on every interface (it passes no hostname to listen()). When
//    PORTKEY_GATEWAY_HOST is set, a listen(port) without a host binds to that host instead,
//    so a local gateway is not reachable from the network.
"use strict";

const net = require("node:net");

const NativeResponse = globalThis.Response;
const nativeFetch = globalThis.fetch;

const streamingWorkaround = process.env.PORTKEY_GATEWAY_STREAMING_WORKAROUND !== "0";

const canWrapFetch = typeof nativeFetch === "function" && typeof NativeResponse === "function";

if (streamingWorkaround && canWrapFetch) {
  globalThis.fetch = async function fetchWithMutableHeaders(input, init) {
    const fetched = await nativeFetch(input, init);
    let copy;
    try {
      // The native constructor copies status, statusText and headers into a fresh,
      // mutable Headers object and takes over the body stream without reading it.
      copy = new NativeResponse(fetched.body, fetched);
    } catch {
      // Statuses a constructed Response may not carry (e.g. 101): keep the original.
      return fetched;
    }
    for (const name of ["url", "redirected", "type"]) {
      Object.defineProperty(copy, name, { value: fetched[name], configurable: true });
    }
    return copy;
  };
}

const listenHost = process.env.PORTKEY_GATEWAY_HOST;
if (listenHost) {
  const originalListen = net.Server.prototype.listen;
  net.Server.prototype.listen = function listenOnConfiguredHost(...args) {
    const hostMissing = args.length < 2 || args[1] == null || typeof args[1] === "function";
    if (typeof args[0] === "number" && hostMissing) {
      const callbacks = args.slice(1).filter((arg) => typeof arg === "function");
      return originalListen.call(this, args[0], listenHost, ...callbacks);
    }
    return originalListen.apply(this, args);
  };
}
