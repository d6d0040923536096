package lint

import (
	"encoding/json"
	"io"
	"net/url"
	"path"
	"strings"
)

// SARIFOptions are what the SARIF log needs beyond the report.
type SARIFOptions struct {
	// ToolVersion is infractl's version, tool.driver.version.
	ToolVersion string
	// URIPrefix is the estate root's path relative to the repository root
	// ("" when the estate is the repository root, "infra" when it lives in
	// infra/): code scanning resolves artifact URIs against the checkout,
	// so every URI is the prefix joined with the path relative to the
	// estate root, under uriBaseId %SRCROOT%.
	URIPrefix string
}

// The SARIF 2.1.0 subset infractl writes; field names follow the schema.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Version        string      `json:"version,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string             `json:"id"`
		Name                 string             `json:"name"`
		ShortDescription     sarifText          `json:"shortDescription"`
		FullDescription      sarifText          `json:"fullDescription"`
		Help                 sarifHelp          `json:"help"`
		DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
		Properties           sarifRuleProps     `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifRuleProps struct {
		Tags      []string `json:"tags"`
		Precision string   `json:"precision"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             sarifText         `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
	}
	sarifLocation struct {
		ID               *int                  `json:"id,omitempty"`
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
		Message          *sarifText            `json:"message,omitempty"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           sarifRegion           `json:"region"`
	}
	sarifArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
)

// securityRules are tagged security for code scanning's filters.
var securityRules = setOf(RuleSharedState, RuleUnencryptedState, RuleUnlockedState, RuleSecretLiteral, RuleUnprotectedBucket)

// FingerprintKey is the partialFingerprints key infractl fills, versioned
// so a change of the scheme does not match old alerts by accident.
const FingerprintKey = "infractlFinding/v1"

// WriteSARIF renders the report as a SARIF 2.1.0 log with one run whose
// tool is infractl, as GitHub code scanning and other uploaders accept it:
// every rule in tool.driver.rules, results with a level, message, location
// (URI relative to the repository, region with line and column), related
// locations and a partialFingerprints entry that does not depend on line
// numbers, so an alert survives edits above it.
func WriteSARIF(w io.Writer, r *Report, opts SARIFOptions) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "infractl",
			InformationURI: "https://github.com/infractl/infractl",
			Version:        opts.ToolVersion,
		}},
		ColumnKind: "unicodeCodePoints",
		Results:    []sarifResult{},
	}
	index := map[string]int{}
	for i, rule := range rules {
		index[rule.ID] = i
		tags := []string{"terraform", "infrastructure"}
		if securityRules[rule.ID] {
			tags = append(tags, "security")
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID:                   rule.ID,
			Name:                 rule.Name,
			ShortDescription:     sarifText{rule.Short},
			FullDescription:      sarifText{rule.Full},
			Help:                 sarifHelp{Text: rule.Help, Markdown: "**" + rule.ID + " " + rule.Name + "**\n\n" + rule.Full + "\n\n**Fix:** " + rule.Help},
			DefaultConfiguration: sarifConfiguration{Level: string(rule.Severity)},
			Properties:           sarifRuleProps{Tags: tags, Precision: "high"},
		})
	}
	for _, f := range r.Findings {
		res := sarifResult{
			RuleID:              f.RuleID,
			RuleIndex:           index[f.RuleID],
			Level:               string(f.Severity),
			Message:             sarifText{f.Message + ". Fix: " + f.Hint},
			Locations:           []sarifLocation{{PhysicalLocation: physical(f.Location, opts.URIPrefix)}},
			PartialFingerprints: map[string]string{FingerprintKey: f.Fingerprint},
		}
		for i, rel := range f.Related {
			id := i + 1
			loc := sarifLocation{ID: &id, PhysicalLocation: physical(rel, opts.URIPrefix)}
			if rel.Message != "" {
				loc.Message = &sarifText{rel.Message}
			}
			res.RelatedLocations = append(res.RelatedLocations, loc)
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

// physical converts a location; a whole-file location becomes line 1, as
// code scanning needs a start line.
func physical(l Location, prefix string) sarifPhysicalLocation {
	region := sarifRegion{StartLine: l.Line, StartColumn: l.Column, EndLine: l.EndLine, EndColumn: l.EndColumn}
	if region.StartLine == 0 {
		region = sarifRegion{StartLine: 1}
	}
	if region.EndLine < region.StartLine || (region.EndLine == region.StartLine && region.EndColumn <= region.StartColumn) {
		region.EndLine, region.EndColumn = 0, 0
	}
	return sarifPhysicalLocation{
		ArtifactLocation: sarifArtifactLocation{URI: artifactURI(prefix, l.File), URIBaseID: "%SRCROOT%"},
		Region:           region,
	}
}

// artifactURI joins prefix and file and percent-encodes each segment.
func artifactURI(prefix, file string) string {
	p := path.Join(strings.Trim(prefix, "/"), file)
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
