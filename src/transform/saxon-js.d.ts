// SaxonJS ships no type declarations; this covers the part teikit uses (see saxon.ts).
declare module 'saxon-js' {
  /** An XDM node as SaxonJS represents it; opaque to teikit. */
  export type XdmNode = object;
  export interface TransformResult {
    principalResult: string;
    /** Each xsl:result-document's output by absolute URI; a string when delivered as 'serialized'. */
    resultDocuments: Record<string, unknown>;
  }
  export interface TransformOptions {
    stylesheetInternal: object;
    sourceNode: XdmNode;
    destination: 'serialized';
    stylesheetParams?: Record<string, unknown>;
    /** What xsl:result-document's hrefs are resolved against (and current-output-uri() gives). */
    baseOutputURI?: string;
    /** Where each result document goes; 'serialized' keeps it in resultDocuments instead of writing a file. */
    deliverResultDocument?: (uri: string) => { destination: 'serialized' };
  }
  const SaxonJS: {
    getResource(options: { text: string; type: 'xml'; baseURI?: string }): Promise<XdmNode>;
    transform(options: TransformOptions, mode: 'sync'): TransformResult;
  };
  export default SaxonJS;
}
