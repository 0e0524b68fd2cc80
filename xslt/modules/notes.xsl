<?xml version="1.0" encoding="UTF-8"?>
<!--
  Notes in the text: numbered endnotes with a marker where the note stands (HTML: linked both ways;
  plain text: [1] and a numbered list at the end). Notes marked @place="inline" stay where they are.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tk="urn:x-teikit:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- The endnotes of a document, in document order (notes in registers belong to their entries). -->
  <xsl:function name="tk:endnotes" as="element()*">
    <xsl:param name="root" as="node()"/>
    <xsl:sequence select="$root//text//note[tk:is-endnote(.)]"/>
  </xsl:function>

  <xsl:function name="tk:is-endnote" as="xs:boolean">
    <xsl:param name="n" as="element()"/>
    <xsl:sequence select="not($n/@place = ('inline', 'here'))
      and empty($n/ancestor::*[self::person or self::personGrp or self::place or self::org or self::event or self::object])"/>
  </xsl:function>

  <!-- The document's endnotes, found once per run: their numbers, the HTML and the text all use them. -->
  <xsl:variable name="tk:all-endnotes" as="element()*" select="tk:endnotes(/)"/>

  <!-- Each endnote's number, in document order. -->
  <xsl:variable name="tk:note-numbers" as="map(xs:string, xs:integer)"
    select="map:merge(for $i in 1 to count($tk:all-endnotes) return map{tk:node-key($tk:all-endnotes[$i]): $i})"/>

  <xsl:function name="tk:note-number" as="xs:integer">
    <xsl:param name="n" as="element()"/>
    <xsl:sequence select="map:get($tk:note-numbers, tk:node-key($n))"/>
  </xsl:function>

  <!-- The anchor of an endnote: its own xml:id when it has one, so links into the TEI keep working. -->
  <xsl:function name="tk:note-anchor" as="xs:string">
    <xsl:param name="n" as="element()"/>
    <xsl:sequence select="if ($n/@xml:id) then string($n/@xml:id) else 'tk-n-' || tk:note-number($n)"/>
  </xsl:function>

  <!-- ==================================================================== HTML -->

  <xsl:template match="note[tk:is-endnote(.)]" mode="tk:html">
    <xsl:variable name="n" as="xs:integer" select="tk:note-number(.)"/>
    <sup class="noteref"><a href="#{tk:note-anchor(.)}" id="tk-nr-{$n}" aria-label="note {$n}">{$n}</a></sup>
  </xsl:template>

  <xsl:template match="note" mode="tk:html">
    <span class="note-inline">(<xsl:apply-templates mode="#current"/>)</span>
  </xsl:template>

  <xsl:template name="tk:html-notes">
    <xsl:param name="notes" as="element()*" required="yes"/>
    <ol class="notes">
      <xsl:for-each select="$notes">
        <li id="{tk:note-anchor(.)}" value="{tk:note-number(.)}">
          <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
          <xsl:apply-templates mode="tk:html"/>
          <xsl:if test="@resp"><span class="note-resp"> ({tk:pointer-labels(@resp, ', ')})</span></xsl:if>
          <xsl:text> </xsl:text><a href="#tk-nr-{tk:note-number(.)}" class="backlink" aria-label="back to note {tk:note-number(.)} in the text">↩</a>
        </li>
      </xsl:for-each>
    </ol>
  </xsl:template>

  <!-- ==================================================================== plain text -->

  <xsl:template match="note[tk:is-endnote(.)]" mode="tk:txt">[{tk:note-number(.)}]</xsl:template>

  <xsl:template match="note" mode="tk:txt"> (<xsl:apply-templates mode="#current"/>) </xsl:template>

  <!-- Numbered endnotes: "1. text", paragraphs of one note joined into one block. -->
  <xsl:function name="tk:txt-notes" as="xs:string">
    <xsl:param name="notes" as="element()*"/>
    <xsl:sequence select="string-join(for $n in $notes return tk:note-number($n) || '. ' || replace(tk:text-blocks($n/node()), '&#10;+', ' '), '&#10;&#10;')"/>
  </xsl:function>

</xsl:stylesheet>
