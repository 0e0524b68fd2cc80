<?xml version="1.0" encoding="UTF-8"?>
<!--
  Entry: the data tables as RFC 4180 CSV (NAME.entities.csv, NAME.mentions.csv, NAME.reactions.csv).
  UTF-8 with a byte-order mark, so spreadsheet programs (Excel) read non-ASCII text as UTF-8.
-->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tk="urn:x-teikit:xslt" exclude-result-prefixes="#all">
  <xsl:import href="modules/lib.xsl"/>
  <xsl:import href="modules/text.xsl"/>
  <xsl:import href="modules/names.xsl"/>
  <xsl:import href="modules/quotations.xsl"/>
  <xsl:import href="modules/tables.xsl"/>
  <xsl:output method="text" encoding="UTF-8" byte-order-mark="yes"/>
  <!-- Which table to write: entities (one row per register entry), mentions (per tagged name) or reactions (per quotation). -->
  <xsl:param name="table" as="xs:string" select="'entities'"/>
  <xsl:template match="/">
    <xsl:call-template name="tk:csv-table"><xsl:with-param name="table" select="$table"/></xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
