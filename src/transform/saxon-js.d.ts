// SaxonJS ships no type declarations; this covers the part teikit uses (see saxon.ts).
declare module 'saxon-js' {
  /** An XDM node as SaxonJS represents it; opaque to teikit. */
  export type XdmNode = object;
  export interface TransformResult {
    principalResult: string;
  }
  export interface TransformOptions {
    stylesheetInternal: object;
    sourceNode: XdmNode;
    destination: 'serialized';
    stylesheetParams?: Record<string, unknown>;
  }
  const SaxonJS: {
    getResource(options: { text: string; type: 'xml'; baseURI?: string }): Promise<XdmNode>;
    transform(options: TransformOptions, mode: 'sync'): TransformResult;
  };
  export default SaxonJS;
}
