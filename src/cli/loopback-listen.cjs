/**
 * Preloaded into the Agents Playground (node --require): every server it opens without naming a
 * host listens on 127.0.0.1 only. The playground has no option for its address and would
 * otherwise listen on all network interfaces — a Teams mock with an unauthenticated connector
 * does not belong on the office network. Servers that name a host or a socket path are untouched.
 */
'use strict';
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function (...args) {
  const [first, second] = args;
  if (args.length === 0 || typeof first === 'function') {
    args.unshift(0, LOOPBACK);
  } else if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    // listen(options[, cb]); a handle ({ fd } or a server) is left alone.
    if (first.host === undefined && first.path === undefined && first.fd === undefined && first._handle === undefined && !(first instanceof net.Server)) {
      args[0] = { ...first, host: LOOPBACK };
    }
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, cb])
    if (typeof second !== 'string') args.splice(1, 0, LOOPBACK);
  }
  return listen.apply(this, args);
};
