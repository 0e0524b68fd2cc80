<?xml version="1.0" encoding="UTF-8"?>
<!--
  Text structure (divisions, paragraphs, verse, lists, tables, drama, typography, editorial marks)
  for the HTML edition (mode tk:html) and the plain-text edition (mode tk:txt). Names, notes and
  quotations have their own modules, imported after this one so their rules take precedence.
  Any element not known here is rendered as its text by the catch-alls at the end: nothing disappears.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tk="urn:x-teikit:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- TEI text to HTML elements. Text nodes are copied (escaped by the serializer). -->
  <xsl:mode name="tk:html" on-no-match="text-only-copy"/>

  <!--
    TEI text to plain text, first pass: text, with tk:b around each block (paragraph, heading, line,
    item...) and tk:br for line breaks. tk:text-blocks then turns this tree into separated blocks.
  -->
  <xsl:mode name="tk:txt" on-no-match="text-only-copy"/>

  <!-- Second plain-text pass: nested tk:b blocks flattened into tk:line elements, whitespace normalised. -->
  <xsl:mode name="tk:txt-flatten" on-no-match="shallow-skip"/>

  <!-- ==================================================================== shared helpers -->

  <!-- Elements rendered as an HTML paragraph-like box (p, hN): a block inside one must become a span. -->
  <xsl:function name="tk:is-phrase-box" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e[self::p or self::ab or self::head or self::l or self::speaker or self::stage
      or self::trailer or self::byline or self::dateline or self::salute or self::signed or self::docTitle
      or self::titlePart or self::docAuthor or self::docImprint or self::docDate or self::label or self::figDesc])"/>
  </xsl:function>

  <!-- The HTML element name for a block: as asked, or span when it sits inside a paragraph-like box. -->
  <xsl:function name="tk:block" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:param name="name" as="xs:string"/>
    <xsl:sequence select="if ($e/ancestor::*[tk:is-phrase-box(.)] or $e/ancestor::*[tk:is-inline-html(.)]) then 'span' else $name"/>
  </xsl:function>

  <!-- Elements rendered as inline HTML (a, span, em...) in which a block element would be out of place. -->
  <xsl:function name="tk:is-inline-html" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e[self::hi or self::emph or self::foreign or self::term or self::persName or self::placeName
      or self::orgName or self::rs or self::name or self::ref or self::date or self::q or self::said[not(p | ab | lg)]])"/>
  </xsl:function>

  <!-- Division-like containers whose head is a section heading. -->
  <xsl:function name="tk:is-division" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e[self::div or self::div1 or self::div2 or self::div3 or self::div4 or self::div5
      or self::div6 or self::div7 or self::body or self::front or self::back or self::group])"/>
  </xsl:function>

  <!-- h3 for a top division (h1 is the title, h2 the page sections), one deeper per level, h6 at most. -->
  <xsl:function name="tk:heading-level" as="xs:integer">
    <xsl:param name="head" as="element()"/>
    <xsl:sequence select="min((6, 2 + max((1, count($head/ancestor::*[tk:is-division(.)][head])))))"/>
  </xsl:function>

  <!-- The top-level texts of a document (several in a teiCorpus), in document order. -->
  <xsl:function name="tk:texts" as="element()*">
    <xsl:param name="root" as="node()"/>
    <xsl:sequence select="$root//text[empty(ancestor::text)]"/>
  </xsl:function>

  <!-- The language of a text, when the document says it unambiguously. -->
  <xsl:function name="tk:text-lang" as="xs:string?">
    <xsl:param name="t" as="element()"/>
    <xsl:variable name="declared" as="xs:string*" select="$t/ancestor::*/teiHeader/profileDesc/langUsage/language/@ident ! string(.)"/>
    <xsl:sequence select="($t/@xml:lang, $t/ancestor::*[@xml:lang][1]/@xml:lang, if (count($declared) = 1) then $declared else ())[1] ! string(.)"/>
  </xsl:function>

  <!-- id and lang of the HTML element for a TEI element that keeps its identity in the page. -->
  <xsl:template name="tk:html-atts">
    <xsl:if test="@xml:id"><xsl:attribute name="id" select="@xml:id"/></xsl:if>
    <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
  </xsl:template>

  <!-- ==================================================================== HTML: structure -->

  <xsl:template match="text | front | body | back | group | floatingText" mode="tk:html">
    <xsl:element name="{tk:block(., 'div')}">
      <xsl:attribute name="class" select="'tei-' || local-name()"/>
      <xsl:call-template name="tk:html-atts"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="div | div1 | div2 | div3 | div4 | div5 | div6 | div7" mode="tk:html">
    <xsl:element name="{tk:block(., if (head) then 'section' else 'div')}">
      <xsl:attribute name="class" select="tk:join(('div', @type ! ('div-' || replace(., '[^A-Za-z0-9_-]', ''))), ' ')"/>
      <xsl:call-template name="tk:html-atts"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="head[tk:is-division(..)]" mode="tk:html">
    <xsl:element name="{tk:block(., 'h' || tk:heading-level(.))}">
      <xsl:call-template name="tk:html-atts"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="p | ab | head | speaker | stage | trailer | byline | dateline | salute | signed | docTitle | titlePart
    | docAuthor | docImprint | docDate | opener | closer | postscript | argument | epigraph | docEdition" mode="tk:html">
    <xsl:element name="{tk:block(., if (p | ab | lg | list | table | quote[p] | figure | opener | closer | salute | signed | dateline | floatingText) then 'div' else 'p')}">
      <xsl:attribute name="class" select="local-name()"/>
      <xsl:call-template name="tk:html-atts"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="lg | sp | figure | castList | castGroup" mode="tk:html">
    <xsl:element name="{tk:block(., 'div')}">
      <xsl:attribute name="class" select="local-name()"/>
      <xsl:call-template name="tk:html-atts"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="l" mode="tk:html">
    <xsl:element name="{tk:block(., 'div')}">
      <xsl:attribute name="class" select="'l'"/>
      <xsl:call-template name="tk:html-atts"/>
      <xsl:if test="@n"><span class="l-n" aria-hidden="true">{@n}</span></xsl:if>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <!-- A list's children must all be li in HTML: items become li, anything else is wrapped in one. -->
  <xsl:template match="list | listBibl | castList[item]" mode="tk:html">
    <xsl:choose>
      <xsl:when test="tk:block(., 'ul') = 'ul'">
        <xsl:element name="{if (@type = ('ordered', 'numbered') or contains(@rend, 'numbered')) then 'ol' else 'ul'}">
          <xsl:attribute name="class" select="local-name()"/>
          <xsl:call-template name="tk:html-atts"/>
          <xsl:for-each select="node()[self::* or normalize-space()]">
            <li class="{if (self::*) then local-name() else 'text'}">
              <xsl:for-each select="self::*"><xsl:call-template name="tk:html-atts"/></xsl:for-each>
              <xsl:apply-templates select="if (self::item or self::bibl or self::castItem) then node() else ." mode="#current"/>
            </li>
          </xsl:for-each>
        </xsl:element>
      </xsl:when>
      <xsl:otherwise>
        <span class="{local-name()}"><xsl:apply-templates mode="#current"/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="item | castItem" mode="tk:html">
    <span class="{local-name()} block"><xsl:apply-templates mode="#current"/></span>
  </xsl:template>

  <!-- Tables: heads become the caption, rows and cells keep their order; other children follow the table. -->
  <xsl:template match="table" mode="tk:html">
    <xsl:choose>
      <xsl:when test="tk:block(., 'table') = 'table'">
        <div class="table-wrap" tabindex="0" role="region" aria-label="{if (head) then tk:plain(head[1]) else 'Table'}">
          <table class="tei-table">
            <xsl:call-template name="tk:html-atts"/>
            <xsl:if test="head"><caption><xsl:apply-templates select="head/node()" mode="#current"/></caption></xsl:if>
            <xsl:for-each select="row">
              <tr>
                <xsl:for-each select="node()[self::* or normalize-space()]">
                  <xsl:element name="{if (@role = 'label' or ../@role = 'label') then 'th' else 'td'}">
                    <xsl:if test="@cols castable as xs:integer"><xsl:attribute name="colspan" select="@cols"/></xsl:if>
                    <xsl:if test="@rows castable as xs:integer"><xsl:attribute name="rowspan" select="@rows"/></xsl:if>
                    <xsl:apply-templates select="if (self::cell) then node() else ." mode="#current"/>
                  </xsl:element>
                </xsl:for-each>
              </tr>
            </xsl:for-each>
          </table>
        </div>
        <xsl:apply-templates select="node()[not(self::head or self::row)]" mode="#current"/>
      </xsl:when>
      <xsl:otherwise>
        <span class="table"><xsl:apply-templates mode="#current"/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="row | cell" mode="tk:html">
    <span class="{local-name()}"><xsl:apply-templates mode="#current"/></span>
  </xsl:template>

  <!-- ==================================================================== HTML: phrases -->

  <xsl:template match="hi | emph | foreign | term | title | mentioned | soCalled | distinct | gloss | code | mod | seg" mode="tk:html">
    <xsl:variable name="rend" as="xs:string" select="lower-case(string-join((@rend, @rendition, @style), ' '))"/>
    <xsl:element name="{
      if (matches($rend, 'sup')) then 'sup'
      else if (matches($rend, 'sub')) then 'sub'
      else if (matches($rend, 'bold|strong')) then 'strong'
      else if (matches($rend, 'italic|ital') or self::foreign or self::title or self::mentioned) then 'i'
      else if (self::emph) then 'em'
      else if (self::code) then 'code'
      else 'span'}">
      <xsl:attribute name="class" select="tk:join((local-name(), tokenize(normalize-space(@rend), ' ')[matches(., '^[A-Za-z][A-Za-z0-9_-]*$')] ! ('rend-' || .)), ' ')"/>
      <xsl:call-template name="tk:html-atts"/>
      <xsl:if test="self::soCalled">‘</xsl:if>
      <xsl:apply-templates mode="#current"/>
      <xsl:if test="self::soCalled">’</xsl:if>
    </xsl:element>
  </xsl:template>

  <xsl:template match="lb" mode="tk:html"><xsl:if test="not(@break = 'no')"><br/></xsl:if></xsl:template>

  <xsl:template match="pb | cb" mode="tk:html">
    <xsl:if test="@n"><span class="{local-name()}" title="{if (self::pb) then 'page' else 'column'} {@n}">[{@n}]</span></xsl:if>
  </xsl:template>

  <xsl:template match="milestone | anchor" mode="tk:html">
    <xsl:if test="@xml:id"><span id="{@xml:id}"/></xsl:if>
  </xsl:template>

  <!-- Links become live only for web, mail and in-page targets; otherwise the text stays, with the target as a title. -->
  <xsl:template match="ref | ptr" mode="tk:html">
    <xsl:variable name="target" as="xs:string" select="normalize-space(tokenize(normalize-space(@target), ' ')[1])"/>
    <xsl:variable name="href" as="xs:string?" select="tk:safe-href($target)"/>
    <xsl:variable name="label" as="item()*">
      <xsl:choose>
        <xsl:when test="node()"><xsl:apply-templates mode="#current"/></xsl:when>
        <xsl:otherwise>{$target}</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$href and empty(ancestor::ref[tk:safe-href(tokenize(normalize-space(@target), ' ')[1])])">
        <a class="{local-name()}" href="{$href}"><xsl:sequence select="$label"/></a>
      </xsl:when>
      <xsl:otherwise>
        <span class="{local-name()}"><xsl:if test="$target"><xsl:attribute name="title" select="$target"/></xsl:if><xsl:sequence select="$label"/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Alternatives: the first shown, the others after it in brackets, so no reading is lost. -->
  <xsl:template match="choice | app | subst" mode="tk:html">
    <xsl:variable name="alts" as="element()*" select="*"/>
    <span class="{local-name()}">
      <xsl:apply-templates select="$alts[1]" mode="#current"/>
      <xsl:for-each select="tail($alts)"><span class="alt"> [<xsl:apply-templates select="." mode="#current"/>]</span></xsl:for-each>
    </span>
  </xsl:template>

  <xsl:template match="del" mode="tk:html"><del><xsl:apply-templates mode="#current"/></del></xsl:template>
  <xsl:template match="add" mode="tk:html"><ins><xsl:apply-templates mode="#current"/></ins></xsl:template>

  <!-- Editorial supplements are bracketed, as print editions do. -->
  <xsl:template match="supplied" mode="tk:html">
    <span class="supplied" title="supplied by the editor">[<xsl:apply-templates mode="#current"/>]</span>
  </xsl:template>

  <xsl:template match="gap" mode="tk:html">
    <!-- A gap may describe itself (gap/desc): that text is kept. -->
    <span class="gap" title="{tk:join(('omitted', @reason, @quantity, @unit), ' ')}">[…<xsl:apply-templates mode="#current"/>]</span>
  </xsl:template>

  <xsl:template match="date | time | measure | num" mode="tk:html">
    <span class="{local-name()}">
      <xsl:if test="@when | @quantity"><xsl:attribute name="title" select="tk:join((@when, @quantity, @unit), ' ')"/></xsl:if>
      <xsl:apply-templates mode="#current"/>
    </span>
  </xsl:template>

  <!-- Images are not loaded (the page works offline and requests nothing); the URL is shown as a link. -->
  <xsl:template match="graphic | media" mode="tk:html">
    <xsl:variable name="href" as="xs:string?" select="tk:safe-href(@url)"/>
    <span class="graphic">[image: <xsl:choose>
      <xsl:when test="$href"><a href="{$href}">{normalize-space(@url)}</a></xsl:when>
      <xsl:otherwise>{normalize-space(@url)}</xsl:otherwise>
    </xsl:choose>]<xsl:apply-templates mode="#current"/></span>
  </xsl:template>

  <!-- Unknown elements, in any namespace: their text, in a span naming the element. Never copied as markup. -->
  <xsl:template match="*" mode="tk:html" priority="-1">
    <span class="tei-{local-name()}">
      <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
      <xsl:apply-templates mode="#current"/>
    </span>
  </xsl:template>

  <!-- ==================================================================== plain text: pass 1 -->

  <!-- Blocks of prose: a blank line around each. -->
  <xsl:template match="p | ab | head | item | speaker | stage | trailer | byline | dateline | salute | signed | docTitle | titlePart
    | docAuthor | docImprint | docDate | figDesc | label | castItem | row | bibl[parent::listBibl] | postscript | epigraph" mode="tk:txt">
    <tk:b kind="p"><xsl:apply-templates mode="#current"/></tk:b>
  </xsl:template>

  <!-- Verse lines: one per line, no blank line between lines of a stanza. -->
  <xsl:template match="l" mode="tk:txt">
    <tk:b kind="line"><xsl:apply-templates mode="#current"/></tk:b>
  </xsl:template>

  <xsl:template match="cell" mode="tk:txt">
    <xsl:apply-templates mode="#current"/><xsl:if test="following-sibling::cell"> | </xsl:if>
  </xsl:template>

  <xsl:template match="lb" mode="tk:txt"><xsl:if test="not(@break = 'no')"><tk:br/></xsl:if></xsl:template>

  <xsl:template match="pb | cb" mode="tk:txt"><xsl:if test="@n"> [{@n}] </xsl:if></xsl:template>

  <xsl:template match="choice | app | subst" mode="tk:txt">
    <xsl:apply-templates select="*[1]" mode="#current"/>
    <xsl:for-each select="tail(*)"> [<xsl:apply-templates select="." mode="#current"/>]</xsl:for-each>
  </xsl:template>

  <xsl:template match="supplied" mode="tk:txt">[<xsl:apply-templates mode="#current"/>]</xsl:template>
  <xsl:template match="gap" mode="tk:txt">[…<xsl:apply-templates mode="#current"/>]</xsl:template>
  <xsl:template match="soCalled" mode="tk:txt">‘<xsl:apply-templates mode="#current"/>’</xsl:template>
  <xsl:template match="graphic | media" mode="tk:txt">[image: {normalize-space(@url)}]<xsl:apply-templates mode="#current"/></xsl:template>
  <xsl:template match="ptr" mode="tk:txt">&lt;{normalize-space(@target)}&gt;</xsl:template>

  <!-- Words of adjacent elements must not run together where the markup, not a space, separated them. -->
  <xsl:template match="sp | lg | div | div1 | div2 | div3 | div4 | div5 | div6 | div7 | list | table | figure | opener | closer
    | front | body | back | group | floatingText | text" mode="tk:txt">
    <tk:b kind="p"><xsl:apply-templates mode="#current"/></tk:b>
  </xsl:template>

  <!-- Unknown elements: their text. -->
  <xsl:template match="*" mode="tk:txt" priority="-1">
    <xsl:apply-templates mode="#current"/>
  </xsl:template>

  <!-- ==================================================================== plain text: pass 2 -->

  <!--
    Flattens the pass-1 tree into tk:line elements: each run of text between blocks becomes its own
    block, so loose text in a division is kept and never glued to the next paragraph.
  -->
  <xsl:template match="document-node() | tk:b" mode="tk:txt-flatten">
    <xsl:variable name="kind" as="xs:string" select="string((self::tk:b/@kind, 'p')[1])"/>
    <xsl:for-each-group select="node()" group-adjacent="exists(self::tk:b)">
      <xsl:choose>
        <xsl:when test="current-grouping-key()">
          <xsl:apply-templates select="current-group()" mode="tk:txt-flatten"/>
        </xsl:when>
        <xsl:otherwise>
          <!-- Source newlines are just whitespace; only tk:br (a TEI lb) ends a line. -->
          <xsl:variable name="lines" as="xs:string*">
            <xsl:for-each-group select="current-group()" group-ending-with="tk:br">
              <xsl:sequence select="normalize-space(string-join(current-group()[not(self::tk:br)] ! string(.), ''))"/>
            </xsl:for-each-group>
          </xsl:variable>
          <xsl:if test="exists($lines[.])">
            <tk:line kind="{$kind}">{string-join($lines[.], '&#10;')}</tk:line>
          </xsl:if>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:template>

  <!-- The plain text of some TEI nodes: blocks separated by a blank line, verse lines by a line break. -->
  <xsl:function name="tk:text-blocks" as="xs:string">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:variable name="pass1" as="document-node()">
      <xsl:document><xsl:apply-templates select="$nodes" mode="tk:txt"/></xsl:document>
    </xsl:variable>
    <xsl:variable name="lines" as="element(tk:line)*">
      <xsl:apply-templates select="$pass1" mode="tk:txt-flatten"/>
    </xsl:variable>
    <!-- Runs of verse lines are one block, joined by line breaks; blocks are joined by blank lines. -->
    <xsl:variable name="blocks" as="xs:string*">
      <xsl:for-each-group select="$lines" group-adjacent="@kind = 'line'">
        <xsl:sequence select="if (current-grouping-key()) then string-join(current-group() ! string(.), '&#10;') else current-group() ! string(.)"/>
      </xsl:for-each-group>
    </xsl:variable>
    <xsl:sequence select="string-join($blocks, '&#10;&#10;')"/>
  </xsl:function>

</xsl:stylesheet>
