// RFC 8448 "Example Handshake Traces for TLS 1.3", transcribed from the RFC's
// hex dumps (https://www.rfc-editor.org/rfc/rfc8448). Messages are handshake
// messages with their 4-byte header; records are "complete record" dumps.
// Only inputs and published outputs live here; the tests derive everything
// else and compare. At the end: small helpers the trace tests share (every
// trace uses TLS_AES_128_GCM_SHA256).
import { aes128gcm } from '../../core/crypto/aes-gcm.js';
import type { KeySchedule } from '../../core/handshake/key-schedule.js';
import { RecordProtection } from '../../core/record/protection.js';

/** Hex (whitespace allowed) to bytes; throws on anything that is not hex. */
export function h(s: string): Uint8Array {
  const t = s.replace(/\s+/g, '');
  if (t.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(t)) throw new Error('bad hex: ' + t.slice(0, 40));
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.substr(i * 2, 2), 16);
  return out;
}

/** The 50 application-data bytes both sides send in sections 3 and 4: 00 01 .. 31. */
export const appData = h(`
  000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
  202122232425262728292a2b2c2d2e2f3031`);

/** The server's certificate message, the same in sections 3 and 5 (445 octets). */
const certificate = h(`
  0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a06
  035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a0603
  550403130372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d98083639
  9b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187
  a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193ef
  f0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b0603551d0f04040302
  05a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a5
  94365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1
  fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b
  4de10000`);

/** Section 3: Simple 1-RTT Handshake (TLS_AES_128_GCM_SHA256, x25519). */
export const simple = {
  clientPrivate: h('49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005'),
  clientPublic: h('99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c'),
  serverPrivate: h('b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e'),
  serverPublic: h('c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f'),

  clientHello: h(`
    010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302
    010000910000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103
    010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529a
    af2c002b0003020304000d0020001e0403050306030203080408050806040105010601020104020502060202020
    02d00020101001c00024001`),
  serverHello: h(`
    020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e0033
    0024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304`),
  encryptedExtensions: h(`
    080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000`),
  certificate,
  certificateVerify: h(`
    0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90db78
    e2d33a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac02767145
    9e46445c9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3`),
  serverFinished: h('140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718'),
  clientFinished: h('14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61'),
  newSessionTicket: h(`
    040000c90000001efad6aac502000000b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf
    1b0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827
    db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228
    bda40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934a
    e4d3570008002a000400000400`),

  sharedSecret: h('8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d'),
  earlySecret: h('33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a'),
  derivedForHandshake: h('6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba'),
  handshakeSecret: h('1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac'),
  helloHash: h('860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8'),
  clientHandshakeTraffic: h('b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21'),
  serverHandshakeTraffic: h('b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38'),
  derivedForMaster: h('43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4'),
  masterSecret: h('18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919'),
  serverHandshakeKey: h('3fce516009c21727d0f2e4e86ee403bc'),
  serverHandshakeIv: h('5d313eb2671276ee13000b30'),
  clientHandshakeKey: h('dbfaa693d1762c5b666af5d950258d01'),
  clientHandshakeIv: h('5bd3c71b836e0b76bb73265f'),
  serverFinishedKey: h('008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8'),
  clientFinishedKey: h('b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4'),
  /** Transcript-Hash(ClientHello .. server Finished), the hash the application secrets use. */
  serverFinishedHash: h('9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13'),
  clientApplicationTraffic: h('9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5'),
  serverApplicationTraffic: h('a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643'),
  exporterMaster: h('fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50'),
  serverApplicationKey: h('9f02283b6c9c07efc26bb9f2ac92e356'),
  serverApplicationIv: h('cf782b88dd83549aadf1e984'),
  clientApplicationKey: h('17422dda596ed5d9acd890e3c63f5051'),
  clientApplicationIv: h('5b78923dee08579033e523d9'),
  /** Transcript-Hash(ClientHello .. client Finished). */
  clientFinishedHash: h('209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d'),
  resumptionMaster: h('7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c'),

  /** {server} send handshake record: EncryptedExtensions .. Finished under the server handshake key. */
  serverHandshakeRecord: h(`
    17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35edf7869fcf40aa40aa2b8ea73f848a7ca
    07612ef9f945cb960b4068905123ea78b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13b
    d9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9d7477609aee6e122a4cf51427325250c
    7d0e509289444c9b3a648f1d71035d2ed65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd61092
    8d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead686945ba246ab66e5edd8044b4c6de3fcf2a8
    9441ac66272fd8fb330ef8190579b3684596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f
    4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26f59ecaba9acbbb317b66d902f4f292a3
    6ac1b639c637ce343117b659622245317b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e
    1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da8c87c843f5e56eb4c5e8280a2b48052c
    f93b16499a66db7cca71e4599426f7d461e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe
    5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb992f2b992f67f8afe67f76913fa388cb
    5630c8ca01e0c65d11c66a1e2ac4c85977b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038
    ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b845e275592c12335ee340bbc4fddd50278
    4016e4b3be7ef04dda49f4b440a30cb5d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e
    750edc53370d2b`),
  /** {client} send handshake record: Finished under the client handshake key. */
  clientFinishedRecord: h(`
    170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1c
    aeacab6867d726c40546`),
  /** {server} send handshake record: NewSessionTicket under the server application key (seq 0). */
  ticketRecord: h(`
    17030300de3a6b8f90414a97d6959c3487680de5134a2b240e6cffac116e95d41d6af8f6b580dcf3d11d63c758db289a
    015940252f55713e061dc13e078891a38efbcf5753ad8ef170ad3c7353d16d9da773b9ca7f2b9fa1b6c0d4a3d03f75e0
    9c30ba1e62972ac46f75f7b981be63439b2999ce13064615139891d5e4c5b406f16e3fc181a77ca475840025db2f0a77
    f81b5ab05b94c01346755f69232c86519d86cbeeac87aac347d143f9605d64f650db4d023e70e952ca49fe5137121c74
    bc2697687e248746d6df353005f3bce18696129c8153556b3b6c6779b37bf15985684f`),
  /** {client} send application_data record (client application key, seq 0). */
  clientAppRecord: h(`
    1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b
    62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4`),
  /** {server} send application_data record (server application key, seq 1). */
  serverAppRecord: h(`
    17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a59a8
    fcc49c4bf2e5f0a21c0047c2abf332540dd032e167c2955d`),
  /** {client} send alert record: close_notify (01 00), seq 1. */
  clientAlertRecord: h('1703030013c9872760655666b74d7ff1153efd6db6d0b0e3'),
  /** {server} send alert record: close_notify (01 00), seq 2. */
  serverAlertRecord: h('1703030013b58fd67166ebf599d24720cfbe7efa7a8864a9'),
};

/** Section 4: Resumed 0-RTT Handshake, with the ticket of section 3. */
export const resumed = {
  ticketNonce: h('0000'),
  psk: h('4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3'),
  earlySecret: h('9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c'),
  clientPrivate: h('bff91188283846dd6a2134ef7180ca2b0b14fb10dce707b5098c0dddc813b2df'),
  /** The whole ClientHello (512 octets); the binder is its last 35 bytes (00 21 20 || binder). */
  clientHello: h(`
    010001fc03031bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc419d7876487d95000006130113031302
    010001cd0000000b0009000006736572766572ff01000100000a00140012001d001700180019010001010102010301
    04003300260024001d0020e4ffb68ac05f8d96c99da26698346c6be16482badddafe051a66b4f18d668f0b002a0000
    002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d0002
    0101001c00024001001500570000000000000000000000000000000000000000000000000000000000000000000000
    0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    0000000000002900dd00b800b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf1b0070
    ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827db27
    9cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bd
    a40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934a
    e4d357fad6aacb0021203add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d`),
  binderHash: h('63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14'),
  binderKey: h('69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256'),
  binderFinishedKey: h('5588673e72cb59c87d220caffe94f2dea9a3b1609f7d50e90a48227db9ed7eaa'),
  binder: h('3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d'),
  clientHelloHash: h('08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913'),
  clientEarlyTraffic: h('3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62'),
  earlyExporterMaster: h('b2026866610937d7423e5be90862ccf24c0e6091186d34f812089ff5be2ef7df'),
  earlyKey: h('920205a5b7bf2115e6fc5c2942834f54'),
  earlyIv: h('6d475f0993c8e564610db2b9'),
  /** {client} send application_data record: "ABCDEF" under the early key (seq 0). */
  earlyData: h('414243444546'),
  earlyDataRecord: h('1703030017ab1df420e75c457a7cc5d2844f76d5aee4b4edbf049be0'),

  serverHello: h(`
    0200005c03033ccfd2dec890222763472ae8136777c9d7358777bb66e91ea5122495f559ea2d0013010000340029
    0002000000330024001d0020121761ee42c333e1b9e77b60dd57c2053cd94512ab47f115e86eff50942cea31002b
    00020304`),
  encryptedExtensions: h(`
    080000280026000a00140012001d00170018001901000101010201030104001c0002400100000000002a0000`),
  serverFinished: h('1400002048d3e0e1b3d907c6acff145e16090388c77b05c050b634ab1a88bbd0dd1a34b2'),
  /** EncryptedExtensions and Finished under the server handshake key. */
  serverHandshakeRecord: h(`
    1703030061dc48237b4b879f50d0d4d262ea8b4716eb40ddc1eb957e11126e8a7149c2d012d37a7115957e64ce3000
    8b9e0323f2c05a9c1c77b4f37849a695ab255060a33fee770ca95cb8486bfd0843b87024865ca35cc41c4e515c64dc
    b1369f98635bc7a5`),
  /** EndOfEarlyData (05 00 00 00) under the early key, seq 1. */
  endOfEarlyDataRecord: h('1703030015aca6fc944841298df99593725f9bf9754429b12f09'),
  /** The client Finished under the client handshake key. */
  clientFinishedRecord: h(`
    170303003500f8b467d14cf22a4b3f0b6ae0d8e6cc8d08e0db3515ef5c2bdf1922eafbb70009964716d834fb70c3d2
    a56c5b1f5f6bdba6c333cf`),
  clientAppRecord: h(`
    1703030043b1cebce242aa201be9ae5e1cb2a9aa4b33d4e866af1edb068919237741aa031d7a74d491c99b9d4e232b
    74206bc6fbaa04fe78be44a9b4f54320a17eb76992afac3103`),
  serverAppRecord: h(`
    1703030043275e9f20acff57bc000657d3867df039cccf79047884cf75771746f740b5a83f462a0954c3581393a203
    a25a7dd14141ef1a37900cdb62ff62dee1ba39ab2590cbf194`),
};

/** Section 5: HelloRetryRequest (the server asks for secp256r1; TLS_AES_128_GCM_SHA256). */
export const hrr = {
  /** The client's secp256r1 private key for ClientHello2, and the server's. */
  clientP256Private: h('ab5473467e19346ceb0a0414e41da21d4d2445bc3025afe97c4e8dc8d513da39'),
  serverP256Private: h('8c510601f9765bfb8ed693449a48989859b5cfa879cb9f5443c41c5ff10634ed'),
  clientHello1: h(`
    010000b00303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee9258a346677b6f000006130113031302
    010000810000000b0009000006736572766572ff01000100000a00080006001d00170018003300260024001d0020e8
    e8e3f3b93a25ed97a14a7dcacb8a272c6288e585c6484d05262fcad062ad1f002b0003020304000d0020001e04030503
    0603020308040805080604010501060102010402050206020202002d00020101001c00024001`),
  helloRetryRequest: h(`
    020000ac0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c00130100008400330002
    0017002c0074007271dcd04bb88bc3189119398a00000000eefafc76c146b823b096f8aacad365dd0030953f4edf6256
    36e5f21bb2e23fcc654b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d6e50781b5eda4aa15b0c8be778257d16
    aa3030e9e7841dd9e4c0342267e8ca0caf571fb2b7cff0f934b0002b00020304`),
  clientHello2: h(`
    010001fc0303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee9258a346677b6f000006130113031302
    010001cd0000000b0009000006736572766572ff01000100000a00080006001d001700180033004700450017004104
    a6da7392ec591e17abfd535964b99894d13befb221b3def2ebe3830eac8f0151812677c4d6d2237e85cf01d6910cfb
    83954e76ba7352830534159897e8065780002b0003020304000d0020001e0403050306030203080408050806040105
    01060102010402050206020202002c0074007271dcd04bb88bc3189119398a00000000eefafc76c146b823b096f8aa
    cad365dd0030953f4edf625636e5f21bb2e23fcc654b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d6e5078
    1b5eda4aa15b0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0caf571fb2b7cff0f934b0002d00020101001c
    00024001001500af00000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000`),
  serverHello: h(`
    020000770303bb341d847fd789c47c387172dc0c9bf147fccacb5043d86ca4c598d3ff571b9800130100004f003300
    450017004104583e054b7a66672ae020ad9d2686fcc85b5ad41a134a0f03ee72b893052bd85b4c8de6776f5b04ac07
    d83540eab3e3d9c547bc6528c4317d294686093a6cad7d002b00020304`),
  encryptedExtensions: h('080000180016000a0008000600170018001d001c0002400100000000'),
  certificate,
  certificateVerify: h(`
    0f0000840804008033ab13d4462707231b5dcae6c8190b63d1dabc74f28c395370da0b07e5b83066d0246a31acd95d
    f475bfd799a4a70d33ad93d3a317a9b2c0d237a5685b219e774112e391a247607d1aeff1bbd0a39f382ee1a5fe88ae
    99ec59228e6497e45d48ce275a6d5ef40d169fb6f9d33b052ed3dcdd6b5a48baafffbcb290128415bd38`),
  serverFinished: h('140000208863e6bfb0420a927fa27f34336a70ae426e968e3eb884945b96856dba3976d1'),
  clientFinishedRecord: h(`
    1703030035d74f1923c662fd34137c6f502f3dd2b93d951d1b3bc97e42afe23c31abea92fe91b474999e85e3b791ce
    252fe8c3e9f939a4120cb2`),
};

// --- helpers ---

export const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
export const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
/** A handshake message without its 4-byte header (a Finished message's verify_data). */
export const body = (msg: Uint8Array): Uint8Array => msg.subarray(4);

export interface TrafficKeys {
  key: Uint8Array;
  iv: Uint8Array;
}

/** AES-128-GCM key and IV of a traffic secret. */
export function trafficKeys(ks: KeySchedule, secret: Uint8Array): TrafficKeys {
  const out = { key: new Uint8Array(16), iv: new Uint8Array(12) };
  ks.trafficKeys(secret, 16, out);
  return out;
}

function protectionAt(k: TrafficKeys, seq: number): RecordProtection {
  const p = new RecordProtection();
  p.setKeys(aes128gcm, k.key, k.iv);
  const scratch = new Uint8Array(5 + 1 + 16);
  for (let i = 0; i < seq; i++) p.seal(scratch, 0, 23, 0, 0); // advance the sequence number
  return p;
}

/** `content` sealed as one record of `type` under k with sequence number seq. */
export function sealAt(k: TrafficKeys, seq: number, type: number, content: Uint8Array): Uint8Array {
  const buf = new Uint8Array(5 + content.length + 1 + 16);
  buf.set(content, 5);
  const n = protectionAt(k, seq).seal(buf, 0, type, content.length, 0);
  if (n !== buf.length) throw new Error('seal returned ' + n);
  return buf;
}

/** Opens a copy of `record` under k at sequence number seq: [inner content type, content]. */
export function openAt(k: TrafficKeys, seq: number, record: Uint8Array): [number, Uint8Array] {
  const p = protectionAt(k, seq);
  const buf = record.slice();
  const type = p.open(buf, 0, buf.length - 5);
  return [type, buf.slice(5, 5 + p.lastLength)];
}
