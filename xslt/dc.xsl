<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry: an OAI-PMH oai_dc Dublin Core record of the edition (NAME.dc.xml). -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tk="urn:x-teikit:xslt" exclude-result-prefixes="#all">
  <xsl:import href="modules/lib.xsl"/>
  <xsl:import href="modules/header.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:template match="/">
    <xsl:call-template name="tk:dc-record"><xsl:with-param name="fields" select="$tk:fields"/></xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
