import net.sf.saxon.s9api.*;
import javax.xml.transform.stream.StreamSource;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;

/**
 * Steady-state time of one document's six outputs in Saxon-HE (Java): xslt/all.xsl compiled once, two passes over
 * every document to warm the JIT, then for each document the fastest of REPS runs of parse + transform, with the
 * principal result and the five result documents serialized to memory (nothing written).
 * Usage: java -cp Saxon-HE.jar:DIR PerDocument STYLESHEET FILE-LIST REPS  (prints "path TAB ms", "-" if it fails)
 * The counterpart for SaxonJS is bench/transform-per-document.mjs; bench/transform-per-document.sh runs both.
 */
public class PerDocument {
  public static void main(String[] args) throws Exception {
    Processor processor = new Processor(false);
    XsltExecutable stylesheet = processor.newXsltCompiler().compile(new StreamSource(new File(args[0])));
    List<String> files = Files.readAllLines(Paths.get(args[1]));
    int reps = Integer.parseInt(args[2]);
    for (int pass = 0; pass < 2; pass++) for (String f : files) runQuietly(processor, stylesheet, f);
    for (String f : files) {
      long best = Long.MAX_VALUE;
      try {
        for (int r = 0; r < reps; r++) {
          long t = System.nanoTime();
          run(processor, stylesheet, f);
          best = Math.min(best, System.nanoTime() - t);
        }
        System.out.println(f + "\t" + String.format("%.1f", best / 1e6));
      } catch (SaxonApiException e) {
        System.out.println(f + "\t-");
      }
    }
  }

  static void runQuietly(Processor processor, XsltExecutable stylesheet, String f) {
    try {
      run(processor, stylesheet, f);
    } catch (SaxonApiException e) {
      // Reported in the measured pass.
    }
  }

  static void run(Processor processor, XsltExecutable stylesheet, String f) throws SaxonApiException {
    Xslt30Transformer t = stylesheet.load30();
    // all.xsl names its result documents after the principal output's address, as teikit's engine gives it.
    t.setBaseOutputURI("file:///teikit/document.html");
    t.setResultDocumentHandler(uri -> processor.newSerializer(new ByteArrayOutputStream()));
    t.setMessageListener((content, terminate, locator) -> {});
    XdmNode doc = processor.newDocumentBuilder().build(new StreamSource(new File(f)));
    t.setGlobalContextItem(doc);
    t.applyTemplates(doc, processor.newSerializer(new ByteArrayOutputStream()));
  }
}
