<?xml version="1.0" encoding="UTF-8"?>
<!--
  The teiHeader read once into a neutral list of citation fields (tk:field), which the HTML citation
  block, the plain-text header and the Dublin Core record each render: what a field holds is decided here only.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tk="urn:x-teikit:xslt"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- Renders citation fields as a Dublin Core record (one element per field value). -->
  <xsl:mode name="tk:dc" on-no-match="shallow-skip"/>

  <!-- Renders citation fields as a definition list in the HTML edition. -->
  <xsl:mode name="tk:html-header" on-no-match="shallow-skip"/>

  <!--
    The citation fields of a document, in reading order. Each tk:field has @name (stable key), @label
    (shown to readers) and the value as text; @when holds an ISO date, @href a URL, @code a language code.
    A field may repeat (several authors).
  -->
  <xsl:function name="tk:citation" as="element(tk:field)*">
    <xsl:param name="root" as="node()"/>
    <xsl:variable name="h" as="element()?" select="($root/*/teiHeader)[1]"/>
    <xsl:variable name="ts" as="element()*" select="$h/fileDesc/titleStmt"/>
    <xsl:variable name="src" as="element()*" select="$h/fileDesc/sourceDesc"/>
    <xsl:variable name="pub" as="element()*" select="$h/fileDesc/publicationStmt"/>
    <xsl:variable name="translators" as="element()*" select="
      ($ts | $src)//(editor | author)[@role = ('translator', 'trl', 'translation')],
      ($ts | $src)//respStmt[resp[matches(., 'transl|übersetz|перев|tradu', 'i')]]/(persName | name | orgName)"/>
    <xsl:variable name="authors" as="element()*" select="if ($ts/author except $translators) then $ts/author except $translators else ($src//author)[1]"/>
    <xsl:variable name="editors" as="element()*" select="$ts/editor except $translators"/>
    <xsl:variable name="resps" as="element()*" select="$ts/respStmt[not((persName | name | orgName) intersect $translators)]"/>
    <xsl:variable name="date" as="element()?" select="
      ($h/profileDesc/creation//date, $h/profileDesc/correspDesc/correspAction[@type = 'sent']/date, $src//(bibl | biblStruct | msDesc)//date, $src//date)[1]"/>
    <xsl:variable name="ms" as="element()?" select="($src//msIdentifier)[1]"/>
    <xsl:variable name="signature" as="xs:string" select="
      if ($ms) then tk:join($ms/(country | settlement | institution | repository | collection | idno | msName)
        ! (if (self::idno[@type]) then @type || ' ' || tk:plain(.) else tk:plain(.)), ', ')
      else tk:join($src//idno[not(lower-case(@type) = ('url', 'uri', 'doi', 'isbn', 'issn'))][not(matches(., '^\s*https?://'))]/tk:plain(.), '; ')"/>
    <xsl:variable name="source-url" as="xs:string?" select="
      ($src//(ref | ptr)/@target[matches(., '^\s*https?://')], $src//idno[matches(., '^\s*https?://')], $src//@facs[matches(., '^\s*https?://')])[1] ! normalize-space(.)"/>
    <xsl:variable name="bibl" as="element()?" select="($src/bibl, $src/biblStruct, $src/biblFull, $src/listBibl/bibl)[1]"/>
    <xsl:variable name="licence" as="element()*" select="$pub/availability/(licence | p)"/>
    <xsl:variable name="edition-ids" as="element()*" select="$pub/idno"/>
    <xsl:variable name="title" as="xs:string" select="tk:join(($ts/title[@type = 'main'], $ts/title[not(@type)], $ts/title)[1] ! tk:plain(.), '')"/>
    <xsl:variable name="subtitle" as="xs:string" select="tk:join($ts/title[@type = 'sub'] ! tk:plain(.), '; ')"/>

    <tk:field name="title" label="Title">{if ($title) then $title else tk:plain(($root//text//head)[1])}</tk:field>
    <xsl:if test="$subtitle"><tk:field name="subtitle" label="Subtitle">{$subtitle}</tk:field></xsl:if>
    <xsl:for-each select="distinct-values($authors ! tk:plain(.))[.]"><tk:field name="author" label="Author">{.}</tk:field></xsl:for-each>
    <xsl:if test="$date">
      <tk:field name="date" label="Date" when="{($date/@when, $date/@from, $date/@notBefore)[1]}">{
        if (tk:plain($date)) then tk:plain($date) else ($date/@when, $date/@from, $date/@notBefore)[1]}</tk:field>
    </xsl:if>
    <xsl:for-each select="distinct-values($translators ! tk:plain(.))[.]"><tk:field name="translator" label="Translator">{.}</tk:field></xsl:for-each>
    <xsl:for-each select="distinct-values($editors ! tk:plain(.))[.]"><tk:field name="editor" label="Editor">{.}</tk:field></xsl:for-each>
    <xsl:for-each select="$resps">
      <xsl:variable name="who" as="xs:string" select="tk:join((persName | name | orgName) ! tk:plain(.), '; ')"/>
      <xsl:if test="$who"><tk:field name="contributor" label="{tk:join(resp ! tk:plain(.), ' ')}">{$who}</tk:field></xsl:if>
    </xsl:for-each>
    <xsl:if test="$signature"><tk:field name="signature" label="Archive signature">{$signature}</tk:field></xsl:if>
    <xsl:for-each select="$ms/altIdentifier[tk:plain(.)]"><tk:field name="signature-alt" label="Also cited as">{tk:plain(.)}</tk:field></xsl:for-each>
    <xsl:if test="$bibl and tk:bibl-text($bibl) and string-length(tk:bibl-text($bibl)) le 600"><tk:field name="source" label="Source">{tk:bibl-text($bibl)}</tk:field></xsl:if>
    <xsl:if test="$source-url"><tk:field name="source-url" label="Source URL" href="{$source-url}">{$source-url}</tk:field></xsl:if>
    <xsl:for-each select="$h/profileDesc/langUsage/language">
      <!-- The language's name only ("English: the translation encoded here" gives "English"). -->
      <tk:field name="language" label="Language" code="{@ident}">{if (tk:plain(.)) then normalize-space(replace(tk:plain(.), '^([^:;.(]+).*$', '$1')) else string(@ident)}</tk:field>
    </xsl:for-each>
    <xsl:for-each select="$h/profileDesc/abstract[tk:plain(.)]"><tk:field name="summary" label="Summary">{tk:plain(.)}</tk:field></xsl:for-each>
    <xsl:for-each select="$h/profileDesc/textClass/keywords/term[tk:plain(.)]"><tk:field name="subject" label="Keyword">{tk:plain(.)}</tk:field></xsl:for-each>
    <xsl:for-each select="$pub/(publisher | authority | distributor)[tk:plain(.)]"><tk:field name="publisher" label="Published by">{tk:plain(.)}</tk:field></xsl:for-each>
    <xsl:for-each select="$pub/date[1]">
      <tk:field name="published" label="Published" when="{(@when, @from)[1]}">{if (tk:plain(.)) then tk:plain(.) else (@when, @from)[1]}</tk:field>
    </xsl:for-each>
    <xsl:for-each select="$edition-ids[tk:plain(.)]">
      <tk:field name="identifier" label="Identifier">
        <xsl:if test="tk:safe-href(tk:plain(.))"><xsl:attribute name="href" select="tk:plain(.)"/></xsl:if>{tk:plain(.)}</tk:field>
    </xsl:for-each>
    <xsl:for-each select="$licence[self::licence][tk:plain(.) or @target]">
      <tk:field name="licence" label="Licence">
        <xsl:if test="@target and tk:safe-href(@target)"><xsl:attribute name="href" select="normalize-space(@target)"/></xsl:if>{if (tk:plain(.)) then tk:plain(.) else normalize-space(@target)}</tk:field>
    </xsl:for-each>
    <xsl:if test="empty($licence[self::licence]) and $licence[tk:plain(.)]">
      <tk:field name="availability" label="Availability">{tk:join($licence ! tk:plain(.), ' ')}</tk:field>
    </xsl:if>
    <tk:field name="cite" label="How to cite this edition">{tk:how-to-cite($title, $authors ! tk:plain(.), $date ! tk:plain(.), $translators ! tk:plain(.),
      $signature, $source-url, ($editors, $resps/(persName | name | orgName)) ! tk:plain(.), $pub/(publisher | authority)[1] ! tk:plain(.),
      ($pub/date[1] ! tk:plain(.), $pub/date[1]/@when)[.][1], ($edition-ids[matches(., '^\s*https?://')] ! tk:plain(.))[1])}</tk:field>
  </xsl:function>

  <!-- The document's citation fields, read once per run: the HTML, the text and the Dublin Core record all use them. -->
  <xsl:variable name="tk:fields" as="element(tk:field)*" select="tk:citation(/)"/>

  <!--
    A bibliographic description as one line: as written when it is running text, else its parts
    (title, author, date, publisher...) joined by commas. Notes and pointers are not part of it.
  -->
  <xsl:function name="tk:bibl-text" as="xs:string">
    <xsl:param name="b" as="element()"/>
    <xsl:sequence select="if ($b/text()[normalize-space()]) then tk:plain($b)
      else tk:join($b/*[not(self::note or self::ptr or self::ref[not(node())])] ! tk:plain(.), ', ')"/>
  </xsl:function>

  <!-- A citation sentence built from the header's parts: author, "title", date; translator; source; edition. -->
  <xsl:function name="tk:how-to-cite" as="xs:string">
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="authors" as="xs:string*"/>
    <xsl:param name="date" as="xs:string?"/>
    <xsl:param name="translators" as="xs:string*"/>
    <xsl:param name="signature" as="xs:string"/>
    <xsl:param name="source-url" as="xs:string?"/>
    <xsl:param name="editors" as="xs:string*"/>
    <xsl:param name="publisher" as="xs:string?"/>
    <xsl:param name="published" as="xs:string?"/>
    <xsl:param name="edition-url" as="xs:string?"/>
    <xsl:variable name="parts" as="xs:string*" select="
      tk:join((tk:join($authors, ', '), '“' || $title || '”', $date), ', ') || '.',
      if (exists($translators)) then 'Translated by ' || tk:join($translators, ', ') || '.' else (),
      if ($signature or $source-url) then 'Source: ' || tk:join(($signature, $source-url), ', ') || '.' else (),
      'TEI edition' || (if (exists($editors)) then ' by ' || tk:join($editors, ', ') else '')
        || (if (exists(($publisher[not(. = $editors)], $published)[.])) then ', ' || tk:join(($publisher[not(. = $editors)], $published), ', ') else '') || '.',
      if ($edition-url) then $edition-url else ()"/>
    <xsl:sequence select="string-join($parts, ' ')"/>
  </xsl:function>

  <!-- ==================================================================== HTML citation block -->

  <!-- The citation block: one dt per kind of field, one dd per value. -->
  <xsl:template name="tk:html-citation">
    <xsl:param name="fields" as="element(tk:field)*" required="yes"/>
    <dl class="citation">
      <xsl:for-each-group select="$fields[not(@name = ('title', 'cite'))]" group-adjacent="string(@name)">
        <div class="field field-{current-grouping-key()}">
          <dt>{@label}</dt>
          <xsl:choose>
            <!-- Languages are short names: one line. -->
            <xsl:when test="current-grouping-key() = 'language'"><dd>{string-join(current-group() ! string(.), '; ')}</dd></xsl:when>
            <xsl:otherwise><xsl:apply-templates select="current-group()" mode="tk:html-header"/></xsl:otherwise>
          </xsl:choose>
        </div>
      </xsl:for-each-group>
    </dl>
    <xsl:for-each select="$fields[@name = 'cite']">
      <p class="cite"><strong>{@label}:</strong> {.}</p>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="tk:field[@href and tk:safe-href(@href)]" mode="tk:html-header" priority="2"><dd><a href="{@href}">{.}</a></dd></xsl:template>
  <xsl:template match="tk:field[@when/string()]" mode="tk:html-header" priority="1"><dd><time datetime="{@when}">{.}</time></dd></xsl:template>
  <xsl:template match="tk:field" mode="tk:html-header"><dd>{.}</dd></xsl:template>

  <!-- ==================================================================== Dublin Core -->

  <!-- The record as OAI-PMH's oai_dc metadata format defines it (the element repositories harvest). -->
  <xsl:template name="tk:dc-record">
    <xsl:param name="fields" as="element(tk:field)*" required="yes"/>
    <oai_dc:dc xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd">
      <xsl:namespace name="dc" select="'http://purl.org/dc/elements/1.1/'"/>
      <xsl:apply-templates select="$fields[@name = 'title']" mode="tk:dc"/>
      <xsl:apply-templates select="$fields[@name = 'author']" mode="tk:dc"/>
      <xsl:apply-templates select="$fields[@name = ('translator', 'editor', 'contributor')]" mode="tk:dc"/>
      <xsl:apply-templates select="$fields[@name = 'subject']" mode="tk:dc"/>
      <xsl:apply-templates select="$fields[@name = 'summary']" mode="tk:dc"/>
      <xsl:apply-templates select="$fields[@name = 'publisher']" mode="tk:dc"/>
      <xsl:apply-templates select="$fields[@name = ('date', 'published')]" mode="tk:dc"/>
      <dc:type>Text</dc:type>
      <dc:format>application/tei+xml</dc:format>
      <xsl:apply-templates select="$fields[@name = 'identifier']" mode="tk:dc"/>
      <xsl:apply-templates select="$fields[@name = ('source', 'signature', 'signature-alt', 'source-url')]" mode="tk:dc"/>
      <xsl:apply-templates select="$fields[@name = 'language']" mode="tk:dc"/>
      <xsl:apply-templates select="$fields[@name = ('licence', 'availability')]" mode="tk:dc"/>
    </oai_dc:dc>
  </xsl:template>

  <xsl:template match="tk:field[@name = ('title', 'subtitle')]" mode="tk:dc"><dc:title>{.}</dc:title></xsl:template>
  <xsl:template match="tk:field[@name = 'author']" mode="tk:dc"><dc:creator>{.}</dc:creator></xsl:template>
  <xsl:template match="tk:field[@name = 'translator']" mode="tk:dc"><dc:contributor>{.} (translator)</dc:contributor></xsl:template>
  <xsl:template match="tk:field[@name = ('editor', 'contributor')]" mode="tk:dc"><dc:contributor>{.}</dc:contributor></xsl:template>
  <xsl:template match="tk:field[@name = 'subject']" mode="tk:dc"><dc:subject>{.}</dc:subject></xsl:template>
  <xsl:template match="tk:field[@name = 'summary']" mode="tk:dc"><dc:description>{.}</dc:description></xsl:template>
  <xsl:template match="tk:field[@name = 'publisher']" mode="tk:dc"><dc:publisher>{.}</dc:publisher></xsl:template>
  <!-- W3CDTF (ISO) dates as OAI-PMH recommends; the text of the date when the header gives no ISO form. -->
  <xsl:template match="tk:field[@name = ('date', 'published')]" mode="tk:dc"><dc:date>{if (@when/string()) then @when else .}</dc:date></xsl:template>
  <xsl:template match="tk:field[@name = 'identifier']" mode="tk:dc"><dc:identifier>{.}</dc:identifier></xsl:template>
  <xsl:template match="tk:field[@name = ('signature', 'signature-alt')]" mode="tk:dc"><dc:source>{.}</dc:source></xsl:template>
  <xsl:template match="tk:field[@name = ('source', 'source-url')]" mode="tk:dc"><dc:source>{.}</dc:source></xsl:template>
  <xsl:template match="tk:field[@name = 'language']" mode="tk:dc"><dc:language>{if (@code/string()) then @code else .}</dc:language></xsl:template>
  <xsl:template match="tk:field[@name = ('licence', 'availability')]" mode="tk:dc"><dc:rights>{if (@href/string()) then @href else .}</dc:rights></xsl:template>

</xsl:stylesheet>
