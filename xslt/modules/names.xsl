<?xml version="1.0" encoding="UTF-8"?>
<!--
  Names and registers: mentions in the HTML text (highlighted by type, linked to the index), the index
  of persons, places and organisations with back-links, and the entity and mention CSV tables.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tk="urn:x-teikit:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- One index entry (li) per entity. -->
  <xsl:mode name="tk:html-index" on-no-match="shallow-skip"/>

  <!-- One CSV record per entity. -->
  <xsl:mode name="tk:csv-entities" on-no-match="shallow-skip"/>

  <!-- One CSV record per mention. -->
  <xsl:mode name="tk:csv-mentions" on-no-match="shallow-skip"/>

  <!--
    Each mention's number in document order (keyed by tk:node-key, used only inside one run), so the
    page's anchors tk-m-1, tk-m-2... are the same in every build of the same document.
  -->
  <xsl:variable name="tk:mention-numbers" as="map(xs:string, xs:integer)"
    select="map:merge(for $i in 1 to count($tk:all-mentions) return map{tk:node-key($tk:all-mentions[$i]): $i})"/>

  <!-- Every mention of the document, found once per run: the page, its legend and the tables all ask. -->
  <xsl:variable name="tk:all-mentions" as="element()*" select="tk:mentions(/)"/>

  <!-- Every register entry of the document, found once per run: the index and the entities table both ask. -->
  <xsl:variable name="tk:all-entities" as="element()*" select="tk:entities(/)"/>

  <!-- The page anchor of a mention. -->
  <xsl:function name="tk:mention-anchor" as="xs:string">
    <xsl:param name="m" as="element()"/>
    <xsl:sequence select="'tk-m-' || map:get($tk:mention-numbers, tk:node-key($m))"/>
  </xsl:function>

  <!-- The index groups, in the order the index shows them. -->
  <xsl:variable name="tk:index-groups" as="element(tk:group)*">
    <tk:group types="person personGrp" label="Persons and groups"/>
    <tk:group types="place" label="Places"/>
    <tk:group types="org" label="Organisations"/>
    <tk:group types="event object" label="Events and objects"/>
  </xsl:variable>

  <!-- ==================================================================== HTML: mentions -->

  <!--
    A mention that resolves to an entity links to its index entry, unless a link sits inside it or around it
    (HTML forbids nested links): then it is highlighted only. Every mention carries its anchor for back-links.
  -->
  <xsl:template match="persName | placeName | orgName | rs | name" mode="tk:html">
    <xsl:variable name="mention" as="xs:boolean" select="tk:is-mention(.)"/>
    <xsl:variable name="entity" as="element()?" select="tk:entities-of(.)[1]"/>
    <xsl:variable name="type" as="xs:string" select="tk:mention-kind(., $entity)"/>
    <xsl:variable name="nested-link" as="xs:boolean" select="exists(descendant::*[self::ref[@target] or self::ptr[@target]
      or ((self::persName or self::placeName or self::orgName or self::rs or self::name) and exists(tk:entities-of(.)))])
      or exists(ancestor::ref[tk:safe-href(tokenize(normalize-space(@target), ' ')[1])])"/>
    <xsl:element name="{if ($entity and not($nested-link)) then 'a' else 'span'}">
      <xsl:attribute name="class" select="'m m-' || $type"/>
      <xsl:if test="$mention"><xsl:attribute name="id" select="tk:mention-anchor(.)"/></xsl:if>
      <xsl:if test="$entity and not($nested-link)"><xsl:attribute name="href" select="'#' || $entity/@xml:id"/></xsl:if>
      <xsl:if test="$entity"><xsl:attribute name="title" select="tk:type-label($type) || ': ' || tk:label($entity)"/></xsl:if>
      <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <!-- ==================================================================== HTML: index -->

  <!-- The index: one list per group of types, entries in register order, each with note and back-links. -->
  <xsl:template name="tk:html-index">
    <xsl:param name="entities" as="element()*" required="yes"/>
    <xsl:for-each select="$tk:index-groups">
      <xsl:variable name="group" as="element()*" select="$entities[tk:entity-type(.) = tokenize(current()/@types, ' ')]"/>
      <xsl:if test="$group">
        <h3 id="tk-index-{tokenize(@types, ' ')[1]}">{@label}</h3>
        <ul class="index">
          <xsl:apply-templates select="$group" mode="tk:html-index"/>
        </ul>
      </xsl:if>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="*" mode="tk:html-index">
    <xsl:variable name="type" as="xs:string" select="tk:entity-type(.)"/>
    <xsl:variable name="mentions" as="element()*" select="tk:mentions-of(.)"/>
    <li class="entry entry-{$type}" id="{@xml:id}">
      <span class="entry-name m-{$type}">{tk:label(.)}</span>
      <xsl:text> </xsl:text><span class="entry-type">({tk:type-label($type)})</span>
      <!-- Other forms keep their language, so a reader (and a screen reader) gets the right script and voice. -->
      <xsl:if test="exists(tail(tk:names(.)))">
        <span class="entry-other"> Also: <xsl:for-each select="tail(tk:names(.))">
          <span>
            <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>{tk:plain(.)}</span>
          <xsl:if test="@type or @xml:lang"> ({tk:join((@type, @xml:lang), ', ')})</xsl:if>
          <xsl:if test="position() ne last()">; </xsl:if>
        </xsl:for-each>.</span>
      </xsl:if>
      <xsl:for-each select="idno[tk:norm(.)]">
        <xsl:variable name="url" as="xs:string?" select="tk:authority-url(.)"/>
        <xsl:text> </xsl:text>
        <span class="entry-id">
          <xsl:choose>
            <xsl:when test="$url"><a href="{$url}">{(@type, 'id')[1]}: {tk:norm(.)}</a></xsl:when>
            <xsl:otherwise>{(@type, 'id')[1]}: {tk:norm(.)}</xsl:otherwise>
          </xsl:choose>
        </span>
      </xsl:for-each>
      <xsl:for-each select="(note | desc[not(. is tk:names(current())[1])])[tk:plain(.)]">
        <div class="entry-note"><xsl:apply-templates mode="tk:html"/></div>
      </xsl:for-each>
      <p class="backlinks">
        <xsl:choose>
          <xsl:when test="$mentions">
            <span class="backlinks-label">{if (count($mentions) = 1) then '1 mention' else count($mentions) || ' mentions'}:</span>
            <xsl:for-each select="$mentions">
              <xsl:text> </xsl:text>
              <a href="#{tk:mention-anchor(.)}" class="backlink" aria-label="mention {position()} of {last()}: {tk:plain(.)}, in {tk:locator(.)}">{position()}</a>
            </xsl:for-each>
          </xsl:when>
          <xsl:otherwise><span class="backlinks-label">Not mentioned in the text.</span></xsl:otherwise>
        </xsl:choose>
      </p>
    </li>
  </xsl:template>

  <!-- ==================================================================== CSV -->

  <xsl:template name="tk:csv-entities">
    <xsl:sequence select="tk:csv-record(('id', 'type', 'name', 'other_names', 'authority_ids', 'mentions', 'note'))"/>
    <xsl:apply-templates select="$tk:all-entities" mode="tk:csv-entities"/>
  </xsl:template>

  <xsl:template match="*" mode="tk:csv-entities">
    <xsl:sequence select="tk:csv-record((string(@xml:id), tk:entity-type(.), tk:label(.), string-join(tk:other-names(.), '; '),
      string-join(tk:authority-ids(.), ' '), string(count(tk:mentions-of(.))), tk:entity-note(.)))"/>
  </xsl:template>

  <xsl:template name="tk:csv-mentions">
    <xsl:sequence select="tk:csv-record(('entity_id', 'type', 'surface', 'location', 'context'))"/>
    <xsl:apply-templates select="$tk:all-mentions" mode="tk:csv-mentions"/>
  </xsl:template>

  <!-- entity_id: every local id the mention points to; a pointer to another file is given as written; none without @ref. -->
  <xsl:template match="*" mode="tk:csv-mentions">
    <xsl:sequence select="tk:csv-record((tk:pointer-ids(@ref), tk:mention-type(.), tk:plain(.), tk:locator(.), tk:context(., 60)))"/>
  </xsl:template>

</xsl:stylesheet>
