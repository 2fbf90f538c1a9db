// The device certificate signed by the operator's CA, replaced by
// `node ports/moddable/example/embed-ca.mjs device.pem ports/moddable/provision/certificate.js`.
// null until then: the app prints its certificate request.
export default null;
