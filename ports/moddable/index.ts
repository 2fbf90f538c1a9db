// The Moddable port: the ECMA-419 TCP adapter and a TLS client driving it.
// dist/moddable bundles these beside every profile's exports.
export { TcpIo, type TcpSocket } from './tcp-io.js';
export { TlsClient, type TcpConstructor, type TcpOptions, type TlsClientOptions } from './tls-client.js';
