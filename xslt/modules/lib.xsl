<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shared functions for every output format: entity lookup, entity type and label, stance labels,
  normalised text, safe links, CSV fields. Formats call these; none re-implements them.
  Written for XSLT 3.0 as Saxon-HE 9.9 (Java) and SaxonJS 2 both run it: maps, no higher-order functions.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:tk="urn:x-teikit:xslt"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all"
  expand-text="yes">

  <!-- Any element with an xml:id, for pointers (@ref, @who, @ana, @target) that start with '#'. -->
  <xsl:key name="tk:by-id" match="*[@xml:id]" use="string(@xml:id)"/>

  <!-- Mentions by the local ids they point to, so an index entry finds its mentions in one lookup. -->
  <xsl:key name="tk:mentions-of" match="persName | placeName | orgName | rs | name"
    use="if (tk:is-mention(.)) then tk:local-ids(@ref) else ()"/>

  <!--
    A map key for a node, for numbering maps: its generate-id reversed. SaxonJS hashes a string longer than
    six characters by every second character, and sibling ids differ only at their end, so unreversed ids
    collide and a map of a few thousand nodes takes half a second to build.
  -->
  <xsl:function name="tk:node-key" as="xs:string">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="codepoints-to-string(reverse(string-to-codepoints(generate-id($n))))"/>
  </xsl:function>

  <!-- ==================================================================== text -->

  <!-- One space for any run of whitespace, none at the ends. -->
  <xsl:function name="tk:norm" as="xs:string">
    <xsl:param name="s" as="xs:string?"/>
    <xsl:sequence select="normalize-space(string($s))"/>
  </xsl:function>

  <!-- The text of a node without the text of notes inside it (a note is read elsewhere), normalised. -->
  <xsl:function name="tk:plain" as="xs:string">
    <xsl:param name="n" as="node()?"/>
    <xsl:sequence select="normalize-space(string-join($n/descendant-or-self::text()[not(ancestor::note[. >> $n])], ''))"/>
  </xsl:function>

  <!-- Values joined for a single field: empty strings dropped, duplicates kept once, in order. -->
  <xsl:function name="tk:join" as="xs:string">
    <xsl:param name="values" as="xs:string*"/>
    <xsl:param name="sep" as="xs:string"/>
    <xsl:sequence select="string-join(distinct-values($values[normalize-space(.)]), $sep)"/>
  </xsl:function>

  <!-- Cuts a string to at most $max characters on a word boundary, with an ellipsis where it was cut. -->
  <xsl:function name="tk:shorten" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:param name="max" as="xs:integer"/>
    <xsl:sequence select="if (string-length($s) le $max) then $s
      else replace(substring($s, 1, $max), '\s+\S*$', '') || '…'"/>
  </xsl:function>

  <!-- ==================================================================== pointers -->

  <!-- The ids of the local pointers ('#id') in a space-separated attribute; other URIs are not ids here. -->
  <xsl:function name="tk:local-ids" as="xs:string*">
    <xsl:param name="att" as="attribute()?"/>
    <xsl:sequence select="for $t in tokenize(normalize-space(string($att)), ' ')[starts-with(., '#')] return substring($t, 2)"/>
  </xsl:function>

  <!-- The ids a pointer attribute names, for tables: local ids space-separated, or the attribute as written. -->
  <xsl:function name="tk:pointer-ids" as="xs:string">
    <xsl:param name="att" as="attribute()?"/>
    <xsl:sequence select="if (exists(tk:local-ids($att))) then string-join(tk:local-ids($att), ' ') else normalize-space(string($att))"/>
  </xsl:function>

  <!-- The elements a pointer attribute points to within this document, in the attribute's order. -->
  <xsl:function name="tk:targets" as="element()*">
    <xsl:param name="att" as="attribute()?"/>
    <xsl:sequence select="for $id in tk:local-ids($att) return key('tk:by-id', $id, root($att))[1]"/>
  </xsl:function>

  <!-- A readable name for anything a pointer may reach: an entity's label, else its text, else its id. -->
  <xsl:function name="tk:label-any" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if (tk:is-entity($e)) then tk:label($e) else if ($e/self::category) then tk:category-label($e) else if (tk:plain($e)) then tk:shorten(tk:plain($e), 60) else string($e/@xml:id)"/>
  </xsl:function>

  <!-- The pointers of an attribute as readable names; pointers that do not resolve are shown as written. -->
  <xsl:function name="tk:pointer-labels" as="xs:string">
    <xsl:param name="att" as="attribute()?"/>
    <xsl:param name="sep" as="xs:string"/>
    <xsl:sequence select="tk:join(for $t in tokenize(normalize-space(string($att)), ' ') return
      (if (starts-with($t, '#')) then key('tk:by-id', substring($t, 2), root($att))[1] ! tk:label-any(.) else (), $t)[1], $sep)"/>
  </xsl:function>

  <!--
    A URL that may become a live link: http, https and mailto, or a fragment within this page.
    Anything else (javascript:, data:, relative files that are not in the output) stays text.
  -->
  <xsl:function name="tk:safe-href" as="xs:string?">
    <xsl:param name="url" as="xs:string?"/>
    <xsl:variable name="u" as="xs:string" select="normalize-space(string($url))"/>
    <xsl:sequence select="if (matches($u, '^(https?://|mailto:)[^\s]+$', 'i') or matches($u, '^#[^\s#]+$')) then $u else ()"/>
  </xsl:function>

  <!-- Where an authority id can be looked up on the web, for the common authorities; () otherwise. -->
  <xsl:function name="tk:authority-url" as="xs:string?">
    <xsl:param name="idno" as="element()"/>
    <xsl:variable name="v" as="xs:string" select="tk:norm($idno)"/>
    <xsl:variable name="type" as="xs:string" select="lower-case(string($idno/@type))"/>
    <xsl:sequence select="
      if (matches($v, '^https?://\S+$')) then $v
      else if ($type = 'wikidata' and matches($v, '^Q[0-9]+$')) then 'https://www.wikidata.org/wiki/' || $v
      else if ($type = 'gnd' and matches($v, '^[0-9X-]+$')) then 'https://d-nb.info/gnd/' || $v
      else if ($type = 'viaf' and matches($v, '^[0-9]+$')) then 'https://viaf.org/viaf/' || $v
      else if ($type = 'geonames' and matches($v, '^[0-9]+$')) then 'https://www.geonames.org/' || $v
      else ()"/>
  </xsl:function>

  <!-- ==================================================================== entities and mentions -->

  <!-- An entity: something a register describes and the text can point to. -->
  <xsl:function name="tk:is-entity" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e[self::person or self::personGrp or self::place or self::org or self::event or self::object][@xml:id])"/>
  </xsl:function>

  <!-- Every entity of the document, in document order. -->
  <xsl:function name="tk:entities" as="element()*">
    <xsl:param name="root" as="node()"/>
    <xsl:sequence select="$root//(person | personGrp | place | org | event | object)[@xml:id]"/>
  </xsl:function>

  <!--
    A mention: a name in the text proper, i.e. inside <text> and not part of a register entry there
    (a listPerson in <back> describes people; it does not mention them).
  -->
  <xsl:function name="tk:is-mention" as="xs:boolean">
    <xsl:param name="n" as="element()"/>
    <xsl:sequence select="exists($n[self::persName or self::placeName or self::orgName or self::rs or self::name])
      and exists($n/ancestor::text)
      and empty($n/ancestor::*[self::person or self::personGrp or self::place or self::org or self::event or self::object
        or self::listPerson or self::listPlace or self::listOrg or self::listEvent or self::listObject])"/>
  </xsl:function>

  <!-- Every mention of the document, in document order. -->
  <xsl:function name="tk:mentions" as="element()*">
    <xsl:param name="root" as="node()"/>
    <xsl:sequence select="$root//text//(persName | placeName | orgName | rs | name)[tk:is-mention(.)]"/>
  </xsl:function>

  <!-- The mentions that point to an entity. -->
  <xsl:function name="tk:mentions-of" as="element()*">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="key('tk:mentions-of', string($e/@xml:id), root($e))"/>
  </xsl:function>

  <!-- The entities a mention points to (several when @ref holds several pointers). -->
  <xsl:function name="tk:entities-of" as="element()*">
    <xsl:param name="m" as="element()"/>
    <xsl:sequence select="tk:targets($m/@ref)[tk:is-entity(.)]"/>
  </xsl:function>

  <!-- The kind of an entity: person, personGrp, place, org, event or object. -->
  <xsl:function name="tk:entity-type" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="local-name($e)"/>
  </xsl:function>

  <!-- The kind of a mention: the kind of what it points to, else what its element or @type says. -->
  <xsl:function name="tk:mention-type" as="xs:string">
    <xsl:param name="m" as="element()"/>
    <xsl:sequence select="tk:mention-kind($m, tk:entities-of($m)[1])"/>
  </xsl:function>

  <!-- The kind of a mention whose first entity (if any) is already known. -->
  <xsl:function name="tk:mention-kind" as="xs:string">
    <xsl:param name="m" as="element()"/>
    <xsl:param name="e" as="element()?"/>
    <xsl:sequence select="
      if ($e) then tk:entity-type($e)
      else if ($m/self::persName) then 'person'
      else if ($m/self::placeName) then 'place'
      else if ($m/self::orgName) then 'org'
      else if ($m/@type = ('person', 'personGrp', 'place', 'org', 'event', 'object')) then string($m/@type)
      else 'name'"/>
  </xsl:function>

  <!-- Heading and CSS class for a kind, in the index and the legend. -->
  <xsl:function name="tk:type-label" as="xs:string">
    <xsl:param name="type" as="xs:string"/>
    <xsl:sequence select="(map:get($tk:type-labels, $type), 'Name')[1]"/>
  </xsl:function>

  <!-- The labels tk:type-label gives, built once rather than on every call. -->
  <xsl:variable name="tk:type-labels" as="map(xs:string, xs:string)" select="map{'person': 'Person', 'personGrp': 'Group of people',
    'place': 'Place', 'org': 'Organisation', 'event': 'Event', 'object': 'Object'}"/>

  <!-- The name children of an entity: the normalised name first, other forms after it. -->
  <xsl:function name="tk:names" as="element()*">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="all" as="element()*" select="$e/(persName | placeName | orgName | name | eventName | objectName | label | geogName | settlement)"/>
    <xsl:variable name="main" as="element()?" select="($all[@type = ('normalised', 'normalized', 'main', 'reg', 'full', 'pref', 'preferred')], $all[not(@type) and not(@xml:lang)], $all)[1]"/>
    <xsl:sequence select="$main, $all except $main"/>
  </xsl:function>

  <!-- An entity's label: its normalised name; the id when it has no name at all. -->
  <xsl:function name="tk:label" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="n" as="element()?" select="tk:names($e)[1]"/>
    <xsl:sequence select="if ($n and tk:plain($n)) then tk:plain($n) else if (tk:plain($e/desc[1])) then tk:plain($e/desc[1]) else string($e/@xml:id)"/>
  </xsl:function>

  <!-- The other forms of an entity's name, each with its type or language. -->
  <xsl:function name="tk:other-names" as="xs:string*">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="for $n in tail(tk:names($e)) return
      tk:plain($n) || (if ($n/@type or $n/@xml:lang) then ' (' || tk:join(($n/@type, $n/@xml:lang), ', ') || ')' else '')"/>
  </xsl:function>

  <!-- Authority ids as 'type:value' (wikidata:Q123). -->
  <xsl:function name="tk:authority-ids" as="xs:string*">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="for $i in $e/idno[tk:norm(.)] return (if ($i/@type) then string($i/@type) || ':' else '') || tk:norm($i)"/>
  </xsl:function>

  <!-- What the register says an entity is. -->
  <xsl:function name="tk:entity-note" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="tk:join(for $n in $e/(note | desc[not(. is tk:names($e)[1])]) return tk:plain($n), ' ')"/>
  </xsl:function>

  <!--
    Where a register puts a group or person: the places or organisations named anywhere in its entry
    (residence, affiliation, or a tagged name in its note), other than the entry's own names.
    A name that points to a register entry is given by that entry's label.
  -->
  <xsl:function name="tk:related-labels" as="xs:string*">
    <xsl:param name="e" as="element()?"/>
    <xsl:param name="kind" as="xs:string"/>
    <xsl:variable name="names" as="element()*" select="
      if ($kind = 'place') then $e//(placeName | settlement | region | country)[not(parent::* is $e)]
        [empty(ancestor::*[self::placeName or self::settlement or self::region or self::country] intersect $e//*)]
      else $e//orgName[not(parent::* is $e)][empty(ancestor::orgName intersect $e//*)]"/>
    <xsl:sequence select="distinct-values(for $n in $names return
      (for $t in tk:targets($n/@ref)[tk:is-entity(.)] return tk:label($t), tk:plain($n))[1])"/>
  </xsl:function>

  <!-- ==================================================================== quotations -->

  <!-- A quotation: said, q or quote that says who speaks, how it is classified, or has an id. -->
  <xsl:function name="tk:is-quotation" as="xs:boolean">
    <xsl:param name="q" as="element()"/>
    <xsl:sequence select="exists($q[self::said or self::q or self::quote][@xml:id or @who or @ana][ancestor::text])"/>
  </xsl:function>

  <!-- Every quotation of the document, in document order. -->
  <xsl:function name="tk:quotations" as="element()*">
    <xsl:param name="root" as="node()"/>
    <xsl:sequence select="$root//text//(said | q | quote)[tk:is-quotation(.)]"/>
  </xsl:function>

  <!-- The categories a quotation is classified in (@ana pointing into a taxonomy). -->
  <xsl:function name="tk:stances" as="element()*">
    <xsl:param name="q" as="element()"/>
    <xsl:sequence select="tk:targets($q/@ana)[self::category]"/>
  </xsl:function>

  <!-- A category's label: its catDesc's term if it has one, else the catDesc or gloss, else the id. -->
  <xsl:function name="tk:category-label" as="xs:string">
    <xsl:param name="c" as="element()"/>
    <xsl:sequence select="(tk:plain(($c/catDesc/term)[1]), tk:plain($c/catDesc[1]), tk:plain($c/gloss[1]), string($c/@xml:id))[.][1]"/>
  </xsl:function>

  <!-- Stance labels of a quotation; unresolved pointers are shown as written so nothing is lost. -->
  <xsl:function name="tk:stance-label" as="xs:string">
    <xsl:param name="q" as="element()"/>
    <xsl:sequence select="tk:pointer-labels($q/@ana, '; ')"/>
  </xsl:function>

  <!-- The speakers of a quotation as entities (from @who). -->
  <xsl:function name="tk:speakers" as="element()*">
    <xsl:param name="q" as="element()"/>
    <xsl:sequence select="tk:targets($q/@who)[tk:is-entity(.)]"/>
  </xsl:function>

  <!-- Speaker labels; a @who that points outside the document is shown as written. -->
  <xsl:function name="tk:speaker-label" as="xs:string">
    <xsl:param name="q" as="element()"/>
    <xsl:sequence select="tk:pointer-labels($q/@who, '; ')"/>
  </xsl:function>

  <!-- The header says the text keeps all its quotation marks (computed once: every quotation asks). Prefixed
       paths: xslt3 ignores xpath-default-namespace in a global variable's expression. -->
  <xsl:variable name="tk:marks-kept" as="xs:boolean" select="exists(/*/tei:teiHeader/tei:encodingDesc/tei:editorialDecl/tei:quotation[@marks = 'all'])"/>

  <!--
    Quotation marks to add around a quotation: none when the header says the text keeps all its marks
    (editorialDecl/quotation/@marks="all"), when the quotation starts with one, or is indirect or a block.
  -->
  <xsl:function name="tk:quote-marks" as="xs:string*">
    <xsl:param name="q" as="element()"/>
    <xsl:variable name="t" as="xs:string" select="tk:plain($q)"/>
    <xsl:sequence select="if ($q/@direct = 'false' or $tk:marks-kept or matches($t, '^[&quot;“„«‘‚‹''「『]') or $q/ancestor::*[self::q or self::said or self::quote] or $q/p | $q/lg | $q/l | $q/ab)
      then () else ('“', '”')"/>
  </xsl:function>

  <!-- ==================================================================== locations -->

  <!-- A short, stable locator for a node: the nearest xml:id, else an XPath-like path of local names. -->
  <xsl:function name="tk:locator" as="xs:string">
    <xsl:param name="n" as="node()"/>
    <xsl:variable name="a" as="element()?" select="$n/ancestor::*[@xml:id][1]"/>
    <xsl:sequence select="if ($a) then string($a/@xml:id) else
      '/' || string-join(for $x in $n/ancestor::* return local-name($x) || '[' || (count($x/preceding-sibling::*[node-name(.) eq node-name($x)]) + 1) || ']', '/')"/>
  </xsl:function>

  <!-- The sentence-sized context of a mention: up to $width characters either side, within its block. -->
  <xsl:function name="tk:context" as="xs:string">
    <xsl:param name="m" as="element()"/>
    <xsl:param name="width" as="xs:integer"/>
    <xsl:variable name="block" as="element()" select="($m/ancestor::*[self::p or self::ab or self::head or self::l or self::item or self::note or self::cell or self::quote or self::said][1], $m/..)[1]"/>
    <!-- The text around a mention is in the siblings of it and its ancestors below the block, found directly rather
         by ordering every text of the block against it; notes inside the block are not context (read elsewhere),
         and a block without notes skips that test, a walk up from every text node (a third of the function's time). -->
    <xsl:variable name="path" as="element()*" select="$m/ancestor-or-self::* except $block/ancestor-or-self::*"/>
    <xsl:variable name="no-notes" as="xs:boolean" select="empty($block/descendant::note)"/>
    <xsl:variable name="texts-before" as="text()*" select="$path/preceding-sibling::node()/descendant-or-self::text()"/>
    <xsl:variable name="texts-after" as="text()*" select="$path/following-sibling::node()/descendant-or-self::text()"/>
    <xsl:variable name="text-before" as="xs:string" select="string-join(if ($no-notes) then $texts-before else $texts-before[not(ancestor::note[. >> $block])], '')"/>
    <xsl:variable name="text-after" as="xs:string" select="string-join(if ($no-notes) then $texts-after else $texts-after[not(ancestor::note[. >> $block])], '')"/>
    <xsl:variable name="before" as="xs:string" select="normalize-space($text-before)"/>
    <xsl:variable name="after" as="xs:string" select="normalize-space($text-after)"/>
    <xsl:variable name="b" as="xs:string" select="if (string-length($before) le $width) then $before
      else '…' || replace(substring($before, string-length($before) - $width + 1), '^\S*\s+', '')"/>
    <xsl:variable name="a" as="xs:string" select="tk:shorten($after, $width)"/>
    <!-- Spaces as in the text: only where the text has them around the mention. -->
    <xsl:variable name="space-before" as="xs:string" select="if (matches($text-before, '\s$')) then ' ' else ''"/>
    <xsl:variable name="space-after" as="xs:string" select="if (matches($text-after, '^\s')) then ' ' else ''"/>
    <xsl:sequence select="normalize-space($b || $space-before || tk:plain($m) || $space-after || $a)"/>
  </xsl:function>

  <!-- ==================================================================== CSV (RFC 4180) -->

  <!--
    One CSV field: whitespace normalised (so a record stays on one line), a leading = + - @ neutralised
    with an apostrophe (OWASP CSV injection), and quoted with doubled quotes when needed.
  -->
  <xsl:function name="tk:csv-field" as="xs:string">
    <xsl:param name="value" as="xs:string?"/>
    <xsl:variable name="v" as="xs:string" select="normalize-space(string($value))"/>
    <xsl:variable name="formula" as="xs:boolean" select="matches($v, '^[=+\-@]')"/>
    <xsl:variable name="safe" as="xs:string" select="if ($formula) then '''' || $v else $v"/>
    <xsl:sequence select="if ($formula or matches($safe, '[&quot;,]')) then '&quot;' || replace($safe, '&quot;', '&quot;&quot;') || '&quot;' else $safe"/>
  </xsl:function>

  <!-- One CSV record: fields joined by commas, ended by CRLF as RFC 4180 says. -->
  <xsl:function name="tk:csv-record" as="xs:string">
    <xsl:param name="fields" as="xs:string*"/>
    <xsl:sequence select="string-join(for $f in $fields return tk:csv-field($f), ',') || '&#13;&#10;'"/>
  </xsl:function>

</xsl:stylesheet>
