<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry: the plain-text reading edition (NAME.txt), UTF-8, no markup. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tk="urn:x-teikit:xslt" exclude-result-prefixes="#all">
  <!-- Import order is precedence order: text structure first, so names, notes and quotations refine it. -->
  <xsl:import href="modules/lib.xsl"/>
  <xsl:import href="modules/header.xsl"/>
  <xsl:import href="modules/text.xsl"/>
  <xsl:import href="modules/names.xsl"/>
  <xsl:import href="modules/notes.xsl"/>
  <xsl:import href="modules/quotations.xsl"/>
  <xsl:import href="modules/text-page.xsl"/>
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:template match="/"><xsl:call-template name="tk:text-page"/></xsl:template>
</xsl:stylesheet>
