<?xml version="1.0" encoding="UTF-8"?>
<!--
  The plain-text reading edition: a short header block, the text (blocks separated by blank lines),
  the quoted reactions with their attributions, and the notes as numbered endnotes.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tk="urn:x-teikit:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- A section heading: the title underlined, as plain-text documents (and Markdown) do. -->
  <xsl:function name="tk:txt-heading" as="xs:string">
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="underline" as="xs:string"/>
    <xsl:sequence select="$title || '&#10;' || string-join(for $i in 1 to max((3, string-length($title))) return $underline, '')"/>
  </xsl:function>

  <xsl:template name="tk:text-page">
    <xsl:variable name="header" as="xs:string*">
      <xsl:for-each-group select="$tk:fields[not(@name = 'title')]" group-adjacent="string(@name)">
        <xsl:sequence select="@label || ': ' || string-join(current-group() ! string(.), '; ')"/>
      </xsl:for-each-group>
    </xsl:variable>
    <xsl:variable name="sections" as="xs:string*" select="
      tk:txt-heading(string(($tk:fields[@name = 'title'], 'Untitled TEI document')[.][1]), '='),
      string-join($header, '&#10;'),
      tk:txt-heading('Text', '-'),
      tk:text-blocks(tk:texts(/)),
      if ($tk:all-quotations) then (tk:txt-heading('Reactions', '-'), tk:txt-reactions($tk:all-quotations)) else (),
      if ($tk:all-endnotes) then (tk:txt-heading('Notes', '-'), tk:txt-notes($tk:all-endnotes)) else ()"/>
    <xsl:sequence select="string-join($sections[.], '&#10;&#10;') || '&#10;'"/>
  </xsl:template>

</xsl:stylesheet>
