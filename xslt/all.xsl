<?xml version="1.0" encoding="UTF-8"?>
<!--
  Entry: all six derivatives in one transform, as teikit build makes them. The HTML page is the principal
  result; the text, the three tables and the Dublin Core record are result documents named after it
  (NAME.html gives NAME.txt, NAME.entities.csv, NAME.mentions.csv, NAME.reactions.csv, NAME.dc.xml).
  Each is the same, byte for byte, as its own entry stylesheet's output (tests/transform/all.test.ts); in one
  transform the document's names, quotations and notes are found once instead of once per output.
-->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tk="urn:x-teikit:xslt" exclude-result-prefixes="#all">
  <!-- Import order is precedence order: text structure first, so names, notes and quotations refine it. -->
  <xsl:import href="modules/lib.xsl"/>
  <xsl:import href="modules/header.xsl"/>
  <xsl:import href="modules/text.xsl"/>
  <xsl:import href="modules/names.xsl"/>
  <xsl:import href="modules/notes.xsl"/>
  <xsl:import href="modules/quotations.xsl"/>
  <xsl:import href="modules/tables.xsl"/>
  <xsl:import href="modules/html-page.xsl"/>
  <xsl:import href="modules/text-page.xsl"/>
  <!-- The serializations of html.xsl, text.xsl, csv.xsl and dc.xsl. -->
  <xsl:output method="html" html-version="5" encoding="UTF-8" include-content-type="no" indent="no"/>
  <xsl:output name="tk:text" method="text" encoding="UTF-8"/>
  <xsl:output name="tk:csv" method="text" encoding="UTF-8" byte-order-mark="yes"/>
  <xsl:output name="tk:dc" method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:template match="/">
    <!-- The principal output's address without its extension, which each result document replaces with its own. -->
    <xsl:variable name="stem" as="xs:string" select="replace(string(current-output-uri()), '\.[^./]*$', '')"/>
    <xsl:call-template name="tk:html-page"/>
    <xsl:result-document href="{$stem}.txt" format="tk:text"><xsl:call-template name="tk:text-page"/></xsl:result-document>
    <xsl:result-document href="{$stem}.entities.csv" format="tk:csv">
      <xsl:call-template name="tk:csv-table"><xsl:with-param name="table" select="'entities'"/></xsl:call-template>
    </xsl:result-document>
    <xsl:result-document href="{$stem}.mentions.csv" format="tk:csv">
      <xsl:call-template name="tk:csv-table"><xsl:with-param name="table" select="'mentions'"/></xsl:call-template>
    </xsl:result-document>
    <xsl:result-document href="{$stem}.reactions.csv" format="tk:csv">
      <xsl:call-template name="tk:csv-table"><xsl:with-param name="table" select="'reactions'"/></xsl:call-template>
    </xsl:result-document>
    <xsl:result-document href="{$stem}.dc.xml" format="tk:dc">
      <xsl:call-template name="tk:dc-record"><xsl:with-param name="fields" select="$tk:fields"/></xsl:call-template>
    </xsl:result-document>
  </xsl:template>
</xsl:stylesheet>
