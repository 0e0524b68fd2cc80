<?xml version="1.0" encoding="UTF-8"?>
<!--
  The data tables by name, for csv.xsl (one table per run, chosen by a parameter) and all.xsl (all three).
  The rows are made in names.xsl (entities, mentions) and quotations.xsl (reactions).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tk="urn:x-teikit:xslt"
  exclude-result-prefixes="#all">

  <!-- One table as a single string: records are strings, and adjacent strings in a result would be joined by a space. -->
  <xsl:template name="tk:csv-table">
    <!-- Which table: entities (one row per register entry), mentions (per tagged name) or reactions (per quotation). -->
    <xsl:param name="table" as="xs:string" required="yes"/>
    <xsl:value-of separator=""><xsl:choose>
      <xsl:when test="$table = 'entities'"><xsl:call-template name="tk:csv-entities"/></xsl:when>
      <xsl:when test="$table = 'mentions'"><xsl:call-template name="tk:csv-mentions"/></xsl:when>
      <xsl:when test="$table = 'reactions'"><xsl:call-template name="tk:csv-reactions"/></xsl:when>
      <xsl:otherwise><xsl:message terminate="yes" error-code="tk:table">unknown table '<xsl:value-of select="$table"/>': use entities, mentions or reactions</xsl:message></xsl:otherwise>
    </xsl:choose></xsl:value-of>
  </xsl:template>

</xsl:stylesheet>
