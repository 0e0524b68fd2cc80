<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry: the standalone HTML5 reading edition (NAME.html). -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tk="urn:x-teikit:xslt" exclude-result-prefixes="#all">
  <!-- Import order is precedence order: text structure first, so names, notes and quotations refine it. -->
  <xsl:import href="modules/lib.xsl"/>
  <xsl:import href="modules/header.xsl"/>
  <xsl:import href="modules/text.xsl"/>
  <xsl:import href="modules/names.xsl"/>
  <xsl:import href="modules/notes.xsl"/>
  <xsl:import href="modules/quotations.xsl"/>
  <xsl:import href="modules/html-page.xsl"/>
  <xsl:output method="html" html-version="5" encoding="UTF-8" include-content-type="no" indent="no"/>
  <xsl:template match="/"><xsl:call-template name="tk:html-page"/></xsl:template>
</xsl:stylesheet>
