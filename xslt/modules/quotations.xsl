<?xml version="1.0" encoding="UTF-8"?>
<!--
  Quotations (said, q, quote): in the text with quotation marks, and, for those that carry @who, @ana or
  an id (the quoted reactions), as a table / list / CSV with their speakers and stance.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tk="urn:x-teikit:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- One table row per quotation in the HTML reactions table. -->
  <xsl:mode name="tk:html-reactions" on-no-match="shallow-skip"/>

  <!-- One CSV record per quotation. -->
  <xsl:mode name="tk:csv-reactions" on-no-match="shallow-skip"/>

  <!-- Each quotation's number in document order. -->
  <xsl:variable name="tk:quotation-numbers" as="map(xs:string, xs:integer)"
    select="map:merge(for $i in 1 to count($tk:all-quotations) return map{tk:node-key($tk:all-quotations[$i]): $i})"/>

  <!-- Every quotation of the document, found once per run. -->
  <xsl:variable name="tk:all-quotations" as="element()*" select="tk:quotations(/)"/>

  <xsl:function name="tk:quotation-number" as="xs:integer">
    <xsl:param name="q" as="element()"/>
    <xsl:sequence select="map:get($tk:quotation-numbers, tk:node-key($q))"/>
  </xsl:function>

  <!-- What the reactions table and list say about the speakers: who, and where the register places them. -->
  <xsl:function name="tk:speaker-details" as="xs:string*">
    <xsl:param name="q" as="element()"/>
    <xsl:sequence select="tk:join(for $s in tk:speakers($q) return tk:related-labels($s, 'place'), '; '),
                          tk:join(for $s in tk:speakers($q) return tk:related-labels($s, 'org'), '; ')"/>
  </xsl:function>

  <!-- A quotation that holds paragraphs or verse is a block; otherwise it runs in the line. -->
  <xsl:function name="tk:is-block-quote" as="xs:boolean">
    <xsl:param name="q" as="element()"/>
    <xsl:sequence select="exists($q/(p | ab | lg | l | list | sp)) or tk:is-division($q/..) or exists($q/parent::*[self::sp or self::cit[tk:is-division(..)]])"/>
  </xsl:function>

  <!-- ==================================================================== HTML -->

  <xsl:template match="said | q | quote" mode="tk:html">
    <xsl:variable name="marks" as="xs:string*" select="tk:quote-marks(.)"/>
    <xsl:variable name="is-q" as="xs:boolean" select="tk:is-quotation(.)"/>
    <xsl:element name="{tk:block(., if (tk:is-block-quote(.)) then 'blockquote' else 'span')}">
      <xsl:attribute name="class" select="tk:join(('quote', if ($is-q) then 'reaction' else (), tk:local-ids(@ana) ! ('stance-' || .)), ' ')"/>
      <xsl:call-template name="tk:html-atts"/>
      <xsl:sequence select="$marks[1]"/>
      <xsl:apply-templates mode="#current"/>
      <xsl:sequence select="$marks[2]"/>
      <xsl:if test="$is-q and (@ana or @who)">
        <xsl:text> </xsl:text>
        <a class="q-badge" href="#tk-r-{tk:quotation-number(.)}" aria-label="reaction {tk:quotation-number(.)}: {tk:join((tk:stance-label(.), tk:speaker-label(.)), ', ')}">{
          if (@ana) then tk:stance-label(.) else 'speaker'}</a>
      </xsl:if>
    </xsl:element>
  </xsl:template>

  <xsl:template name="tk:html-reactions">
    <xsl:param name="quotations" as="element()*" required="yes"/>
    <div class="table-wrap" tabindex="0" role="region" aria-label="Reactions table">
      <table class="reactions">
        <caption>Quoted reactions, in the order of the text</caption>
        <thead><tr><th scope="col">No.</th><th scope="col">Quotation</th><th scope="col">Speakers</th><th scope="col">Stance</th></tr></thead>
        <tbody><xsl:apply-templates select="$quotations" mode="tk:html-reactions"/></tbody>
      </table>
    </div>
  </xsl:template>

  <xsl:template match="*" mode="tk:html-reactions">
    <xsl:variable name="n" as="xs:integer" select="tk:quotation-number(.)"/>
    <xsl:variable name="details" as="xs:string*" select="tk:speaker-details(.)"/>
    <tr id="tk-r-{$n}">
      <td class="num">
        <xsl:choose>
          <xsl:when test="@xml:id"><a href="#{@xml:id}" aria-label="reaction {$n} in the text">{$n}</a></xsl:when>
          <xsl:otherwise>{$n}</xsl:otherwise>
        </xsl:choose>
      </td>
      <td class="quotation">{tk:plain(.)}</td>
      <td class="speakers">
        <xsl:for-each select="tk:speakers(.)">
          <a class="m m-{tk:entity-type(.)}" href="#{@xml:id}">{tk:label(.)}</a>
          <xsl:if test="position() ne last()">; </xsl:if>
        </xsl:for-each>
        <xsl:if test="empty(tk:speakers(.))">{if (@who) then tk:speaker-label(.) else '—'}</xsl:if>
        <xsl:if test="$details[1]"><span class="speaker-where">Place: {$details[1]}</span></xsl:if>
        <xsl:if test="$details[2]"><span class="speaker-where">Organisation: {$details[2]}</span></xsl:if>
      </td>
      <td class="stance">{if (@ana) then tk:stance-label(.) else '—'}</td>
    </tr>
  </xsl:template>

  <!-- ==================================================================== plain text -->

  <xsl:template match="said | q | quote" mode="tk:txt">
    <xsl:variable name="marks" as="xs:string*" select="tk:quote-marks(.)"/>
    <xsl:choose>
      <xsl:when test="tk:is-block-quote(.)">
        <tk:b kind="p"><xsl:sequence select="$marks[1]"/><xsl:apply-templates mode="#current"/><xsl:sequence select="$marks[2]"/></tk:b>
      </xsl:when>
      <xsl:otherwise><xsl:sequence select="$marks[1]"/><xsl:apply-templates mode="#current"/><xsl:sequence select="$marks[2]"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The reactions as a numbered list: quotation, then speakers (where) and stance. -->
  <xsl:function name="tk:txt-reactions" as="xs:string">
    <xsl:param name="quotations" as="element()*"/>
    <xsl:sequence select="string-join(for $q in $quotations return
      tk:quotation-number($q) || '. ' || tk:quote-marks($q)[1] || tk:plain($q) || tk:quote-marks($q)[2]
      || '&#10;   Speakers: ' || (if ($q/@who) then tk:speaker-label($q) else 'not given')
      || (if (exists(tk:speaker-details($q)[.])) then ' (' || tk:join(tk:speaker-details($q), '; ') || ')' else '')
      || '&#10;   Stance: ' || (if ($q/@ana) then tk:stance-label($q) else 'not given'), '&#10;&#10;')"/>
  </xsl:function>

  <!-- ==================================================================== CSV -->

  <xsl:template name="tk:csv-reactions">
    <xsl:sequence select="tk:csv-record(('id', 'stance', 'stance_label', 'speaker_id', 'speaker_label', 'speaker_place', 'speaker_org', 'text'))"/>
    <xsl:apply-templates select="$tk:all-quotations" mode="tk:csv-reactions"/>
  </xsl:template>

  <xsl:template match="*" mode="tk:csv-reactions">
    <xsl:variable name="details" as="xs:string*" select="tk:speaker-details(.)"/>
    <xsl:sequence select="tk:csv-record((
      string(@xml:id),
      tk:pointer-ids(@ana),
      tk:stance-label(.),
      tk:pointer-ids(@who),
      tk:speaker-label(.),
      $details[1], $details[2],
      tk:plain(.)))"/>
  </xsl:template>

</xsl:stylesheet>
