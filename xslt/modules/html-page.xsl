<?xml version="1.0" encoding="UTF-8"?>
<!--
  The HTML reading edition's page: landmarks, the citation block, the text, reactions, index, notes,
  and the inline style sheet (screen, phone, print). Self-contained: no script, no remote resource.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tk="urn:x-teikit:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!--
    The page's style sheet. Colours keep at least 4.5:1 contrast on their backgrounds (WCAG AA), and each
    kind of name differs by its underline too, not by colour alone. Other teikit pages may reuse it.
  -->
  <xsl:variable name="tk:css" as="xs:string" expand-text="no"><![CDATA[
:root { --ink: #1a1a1a; --paper: #fdfdfb; --muted: #4a4a4a; --link: #0b57a4; --rule: #d0d0cc; --focus: #b35c00;
  --person: #e3efff; --person-line: #0b57a4; --group: #efe6fb; --group-line: #6b3fa0;
  --place: #e2f4e6; --place-line: #1d6b34; --org: #fdf0dc; --org-line: #8a5300; --other: #eeeeee; --other-line: #555555; }
* { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: var(--paper); font: 1.05rem/1.6 Georgia, "Times New Roman", serif; }
header.site, nav.sections, main, footer.site { max-width: 46rem; margin: 0 auto; padding: 0 1rem; }
header.site { padding-top: 1.5rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: .2rem 0 .5rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .8rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
h3 { font-size: 1.15rem; margin: 1.6rem 0 .6rem; }
h4, h5, h6 { font-size: 1rem; margin: 1.2rem 0 .5rem; }
.kicker, .byline { color: var(--muted); margin: 0; font-family: system-ui, sans-serif; font-size: .9rem; }
a { color: var(--link); }
a:focus-visible, [tabindex]:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip-link { position: absolute; left: -999px; top: .5rem; background: var(--paper); padding: .4rem .8rem; }
.skip-link:focus { left: .5rem; z-index: 2; }
nav.sections ul { list-style: none; padding: 0; margin: .8rem auto 0; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; font-family: system-ui, sans-serif; font-size: .95rem; }
dl.citation { margin: 0; display: grid; grid-template-columns: minmax(8rem, 12rem) 1fr; gap: .3rem 1rem; }
dl.citation .field { display: contents; }
dl.citation dt { font-weight: bold; font-family: system-ui, sans-serif; font-size: .9rem; padding-top: .15rem; }
dl.citation dd { margin: 0; grid-column: 2; overflow-wrap: anywhere; }
p.cite { background: #f1f1ec; border-left: 4px solid var(--rule); padding: .6rem .8rem; }
.legend { font-family: system-ui, sans-serif; font-size: .9rem; color: var(--muted); }
.legend span.m { margin-right: .6rem; }
[id] { scroll-margin-top: 1rem; }
.m { color: var(--ink); text-decoration: none; border-bottom: 2px solid var(--other-line); background: var(--other); padding: 0 .1em; border-radius: 2px; }
a.m:hover { text-decoration: underline; }
.m-person { background: var(--person); border-bottom-color: var(--person-line); }
.m-personGrp { background: var(--group); border-bottom: 2px double var(--group-line); }
.m-place { background: var(--place); border-bottom: 2px dashed var(--place-line); }
.m-org { background: var(--org); border-bottom: 2px dotted var(--org-line); }
.m .m { background: transparent; }
.m:target, li:target, tr:target, .quote:target, p:target { background: #fff3b0; outline: 2px solid var(--focus); }
.quote.reaction { background: #f6f6f2; }
.q-badge { font-family: system-ui, sans-serif; font-size: .75rem; white-space: nowrap; border: 1px solid var(--rule); border-radius: 3px; padding: 0 .3em; text-decoration: none; }
blockquote { margin: 1rem 0 1rem 1.2rem; padding-left: .8rem; border-left: 3px solid var(--rule); }
.supplied, .gap, .pb, .cb, .alt { color: var(--muted); }
.pb, .cb, .l-n { font-family: system-ui, sans-serif; font-size: .8rem; }
.l-n { float: right; color: var(--muted); }
.block, .tei-p, span.p, span.l, span.item, span.row { display: block; }
.noteref { font-size: .75em; line-height: 0; }
.noteref a { text-decoration: none; padding: 0 .15em; }
ol.notes li, ul.index li { margin-bottom: .6rem; }
ul.index { padding-left: 1.2rem; }
.entry-name { font-weight: bold; }
.entry-type, .entry-other, .entry-id, .backlinks, .speaker-where { font-family: system-ui, sans-serif; font-size: .9rem; color: var(--muted); }
.entry-note { margin: .2rem 0; }
.backlinks { margin: .2rem 0 0; }
.backlink { display: inline-block; min-width: 1.6rem; text-align: center; }
.speaker-where { display: block; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-style: italic; color: var(--muted); padding-bottom: .3rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .4rem .5rem; text-align: left; vertical-align: top; }
td.num { white-space: nowrap; }
footer.site { color: var(--muted); font-family: system-ui, sans-serif; font-size: .85rem; padding-top: 2rem; padding-bottom: 2rem; }
@media (max-width: 40rem) {
  body { font-size: 1rem; }
  h1 { font-size: 1.4rem; }
  dl.citation { grid-template-columns: 1fr; }
  dl.citation dd { grid-column: 1; margin-bottom: .4rem; }
  table.reactions thead { position: absolute; left: -999px; }
  table.reactions tr { display: block; border-bottom: 1px solid var(--rule); padding: .4rem 0; }
  table.reactions td { display: block; border: 0; padding: .1rem 0; }
}
@media print {
  body { background: #fff; color: #000; font-size: 11pt; }
  nav.sections, .skip-link, .backlinks, .backlink, .q-badge { display: none; }
  header.site, main, footer.site { max-width: none; padding: 0; }
  .m { background: none; }
  a { color: #000; }
  main a[href^="http"]::after { content: " <" attr(href) ">"; font-size: .85em; overflow-wrap: anywhere; }
  h2, h3 { break-after: avoid; }
  tr, li, blockquote { break-inside: avoid; }
  .table-wrap { overflow: visible; }
}
]]></xsl:variable>

  <xsl:template name="tk:html-page">
    <xsl:variable name="title" as="xs:string" select="string(($tk:fields[@name = 'title'], 'Untitled TEI document')[.][1])"/>
    <xsl:variable name="types" as="xs:string*" select="distinct-values($tk:all-mentions ! tk:mention-type(.))"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="teikit"/>
        <title>{$title}</title>
        <style><xsl:value-of select="$tk:css" disable-output-escaping="no"/></style>
      </head>
      <body>
        <a class="skip-link" href="#tk-text">Skip to the text</a>
        <header class="site">
          <p class="kicker">Digital edition</p>
          <h1>{$title}</h1>
          <xsl:if test="$tk:fields[@name = ('author', 'date')]">
            <p class="byline">{tk:join($tk:fields[@name = ('author', 'date')] ! string(.), ' · ')}</p>
          </xsl:if>
        </header>
        <nav class="sections" aria-label="Sections of this page">
          <ul>
            <li><a href="#tk-about">About this edition</a></li>
            <li><a href="#tk-text">Text</a></li>
            <xsl:if test="$tk:all-quotations"><li><a href="#tk-reactions">Reactions</a></li></xsl:if>
            <xsl:if test="$tk:all-entities"><li><a href="#tk-index">Index</a></li></xsl:if>
            <xsl:if test="$tk:all-endnotes"><li><a href="#tk-notes">Notes</a></li></xsl:if>
          </ul>
        </nav>
        <main>
          <section id="tk-about" aria-labelledby="tk-about-h">
            <h2 id="tk-about-h">About this edition</h2>
            <xsl:call-template name="tk:html-citation"><xsl:with-param name="fields" select="$tk:fields"/></xsl:call-template>
          </section>
          <section id="tk-text" aria-labelledby="tk-text-h">
            <h2 id="tk-text-h">Text</h2>
            <xsl:if test="exists($types)">
              <p class="legend">Names are highlighted by kind:
                <xsl:for-each select="$types"><xsl:text> </xsl:text><span class="m m-{.}">{tk:type-label(.)}</span></xsl:for-each>.
                <xsl:if test="$tk:all-entities">Select a name to see its entry in the index.</xsl:if>
              </p>
            </xsl:if>
            <xsl:for-each select="tk:texts(/)">
              <div class="text">
                <xsl:for-each select="tk:text-lang(.)"><xsl:attribute name="lang" select="."/></xsl:for-each>
                <xsl:apply-templates select="node()" mode="tk:html"/>
              </div>
            </xsl:for-each>
          </section>
          <xsl:if test="$tk:all-quotations">
            <section id="tk-reactions" aria-labelledby="tk-reactions-h">
              <h2 id="tk-reactions-h">Reactions</h2>
              <xsl:call-template name="tk:html-reactions"><xsl:with-param name="quotations" select="$tk:all-quotations"/></xsl:call-template>
            </section>
          </xsl:if>
          <xsl:if test="$tk:all-entities">
            <section id="tk-index" aria-labelledby="tk-index-h">
              <h2 id="tk-index-h">Index of persons, places and organisations</h2>
              <xsl:call-template name="tk:html-index"><xsl:with-param name="entities" select="$tk:all-entities"/></xsl:call-template>
            </section>
          </xsl:if>
          <xsl:if test="$tk:all-endnotes">
            <section id="tk-notes" aria-labelledby="tk-notes-h">
              <h2 id="tk-notes-h">Notes</h2>
              <xsl:call-template name="tk:html-notes"><xsl:with-param name="notes" select="$tk:all-endnotes"/></xsl:call-template>
            </section>
          </xsl:if>
        </main>
        <footer class="site">
          <p>Reading edition generated from the TEI source by teikit. This page works offline: it loads no scripts, fonts or images.</p>
        </footer>
      </body>
    </html>
  </xsl:template>

</xsl:stylesheet>
