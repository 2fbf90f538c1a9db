// Published test vectors shared by core's crypto tests and the toolkit's
// (test/toolkit), so both check against the same reference.

const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);
const range = (from: number, to: number): Uint8Array => {
  const r = new Uint8Array(to - from + 1);
  for (let i = 0; i < r.length; i++) r[i] = from + i;
  return r;
};

// RFC 4231 section 4: [key, data, SHA-256, SHA-384, SHA-512]; case 5 is truncated to 128 bits.
export const rfc4231: [Uint8Array, Uint8Array, string, string, string][] = [
  [fill(20, 0x0b), ascii('Hi There'),
    'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
    '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854'],
  [ascii('Jefe'), ascii('what do ya want for nothing?'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
    '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737'],
  [fill(20, 0xaa), fill(50, 0xdd),
    '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    '88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27',
    'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb'],
  [range(1, 25), fill(50, 0xcd),
    '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    '3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb',
    'b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd'],
  [fill(20, 0x0c), ascii('Test With Truncation'),
    'a3b6167473100ee06e0c796c2955552b',
    '3abf34c3503b2a23a46efc619baef897',
    '415fad6271580a531d4179bc891d87a6'],
  [fill(131, 0xaa), ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
    '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598'],
  [fill(131, 0xaa), ascii('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
    '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    '6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e',
    'e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58'],
];

// RFC 5869 appendix A.1-A.3 (SHA-256).
export const rfc5869 = [
  { ikm: fill(22, 0x0b), salt: range(0x00, 0x0c), info: range(0xf0, 0xf9), L: 42,
    prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865' },
  { ikm: range(0x00, 0x4f), salt: range(0x60, 0xaf), info: range(0xb0, 0xff), L: 82,
    prk: '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
    okm: 'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87' },
  { ikm: fill(22, 0x0b), salt: new Uint8Array(0), info: new Uint8Array(0), L: 42,
    prk: '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8' },
];

// The Galois/Counter Mode spec (McGrew, Viega), appendix B: cases 1-4 (AES-128) and 13-16 (AES-256).
const gcmK3 = 'feffe9928665731c6d6a8f9467308308';
const gcmP3 = 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const gcmP4 = gcmP3.slice(0, 120);
const gcmA4 = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
const gcmIV = 'cafebabefacedbaddecaf888';
export const gcmVectors = [
  { alg: 'aes-128-gcm' as const, k: '00'.repeat(16), iv: '00'.repeat(12), p: '', a: '', c: '', t: '58e2fccefa7e3061367f1d57a4e7455a' },
  { alg: 'aes-128-gcm' as const, k: '00'.repeat(16), iv: '00'.repeat(12), p: '00'.repeat(16), a: '', c: '0388dace60b6a392f328c2b971b2fe78', t: 'ab6e47d42cec13bdf53a67b21257bddf' },
  { alg: 'aes-128-gcm' as const, k: gcmK3, iv: gcmIV, p: gcmP3, a: '',
    c: '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985',
    t: '4d5c2af327cd64a62cf35abd2ba6fab4' },
  { alg: 'aes-128-gcm' as const, k: gcmK3, iv: gcmIV, p: gcmP4, a: gcmA4,
    c: '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
    t: '5bc94fbc3221a5db94fae95ae7121a47' },
  { alg: 'aes-256-gcm' as const, k: '00'.repeat(32), iv: '00'.repeat(12), p: '', a: '', c: '', t: '530f8afbc74536b9a963b4f1c4cb738b' },
  { alg: 'aes-256-gcm' as const, k: '00'.repeat(32), iv: '00'.repeat(12), p: '00'.repeat(16), a: '', c: 'cea7403d4d606b6e074ec5d3baf39d18', t: 'd0d1c8a799996bf0265b98b5d48ab919' },
  { alg: 'aes-256-gcm' as const, k: gcmK3 + gcmK3, iv: gcmIV, p: gcmP3, a: '',
    c: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad',
    t: 'b094dac5d93471bdec1a502270e3cc6c' },
  { alg: 'aes-256-gcm' as const, k: gcmK3 + gcmK3, iv: gcmIV, p: gcmP4, a: gcmA4,
    c: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    t: '76fc6ece0f4e1768cddf8853bb2d551b' },
];

// RFC 8439 section 2.8.2.
export const rfc8439 = {
  key: unhex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f'),
  nonce: unhex('070000004041424344454647'),
  aad: unhex('50515253c0c1c2c3c4c5c6c7'),
  pt: ascii("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."),
  ct: 'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b' +
    '1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de' +
    '576d26586cec64b6116',
  tag: '1ae10b594f09e26a7e902ecbd0600691',
};

// FIPS 180-2 appendices B.1, C.1, D.1: "abc".
export const sha2Abc = {
  sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  sha384: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
  sha512: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
};

// NIST SP 800-38A F.2.1 and F.2.5: CBC-AES128 and CBC-AES256 encryption (four blocks, no padding).
const sp800Plain = '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710';
export const cbcVectors = [
  { key: '2b7e151628aed2a6abf7158809cf4f3c', iv: '000102030405060708090a0b0c0d0e0f', p: sp800Plain,
    c: '7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7' },
  { key: '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4', iv: '000102030405060708090a0b0c0d0e0f', p: sp800Plain,
    c: 'f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b' },
];
