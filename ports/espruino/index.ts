// The Espruino entry point: the PSK client profile and its pieces. Bundled
// as one script (iife, es2015, no module syntax, no --global-name: esbuild's
// export helpers capture a for-of binding in closures, which Espruino shares),
// it defines the global `microtls`; an application then calls
// `microtls.connect({ host, port, psk, net: require("net"), crypto: require("crypto") }, onSecure)`.
import { ClientContext as Context } from '../../core/profiles/client.js';
import { ErrorCode, Status } from '../../core/errors.js';
import { CipherSuite, NamedGroup } from '../../core/registry.js';
import { TlsClient, connect } from './client.js';
import { espruinoContext, espruinoOptions, hexBytes, hwRandom } from './config.js';
import { espruinoProvider } from './crypto.js';
import { NetIo } from './net-io.js';

/** Espruino's `global` (the root scope). */
declare const global: { microtls?: unknown };

global.microtls = {
  connect: connect,
  TlsClient: TlsClient,
  NetIo: NetIo,
  Context: Context,
  espruinoContext: espruinoContext,
  espruinoOptions: espruinoOptions,
  espruinoProvider: espruinoProvider,
  hexBytes: hexBytes,
  hwRandom: hwRandom,
  Status: Status,
  ErrorCode: ErrorCode,
  CipherSuite: CipherSuite,
  NamedGroup: NamedGroup,
};
