package htmlreport

import "html/template"

// The Content-Security-Policy forbids every fetch except data: images and
// the inline style sheet: the page works offline by construction, and a
// browser refuses (and logs) anything that would reach the network.
const pageTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CXLSeg report: {{.Dir}}</title>
<style>
body { font: 14px/1.45 system-ui, "DejaVu Sans", sans-serif; color: #1d2330; background: #fafbfc; margin: 0; }
main { max-width: 1240px; margin: 0 auto; padding: 16px 20px 40px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; padding-top: 8px; border-top: 2px solid #d5dae3; }
p.lead { color: #4b5567; margin: 0 0 8px; }
nav a { margin-right: 14px; color: #2456a5; }
table { border-collapse: collapse; background: #fff; margin: 6px 0; }
th, td { border: 1px solid #d5dae3; padding: 3px 8px; }
th { background: #eef1f6; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background-color: #f7f8fa; }
.pos { font-weight: 600; }
.muted { color: #6b7487; }
.plots { display: flex; flex-wrap: wrap; gap: 14px; }
figure { margin: 0; }
figure.plot { background: #fff; border: 1px solid #d5dae3; padding: 8px; }
figure.plot figcaption { font-size: 12.5px; max-width: 370px; }
svg.hist text { font-size: 11px; fill: #333; }
.sheet { display: grid; grid-template-columns: repeat(auto-fill, 226px); gap: 10px; }
.tile { background: #fff; border: 1px solid #d5dae3; width: 224px; }
.tile .ov { position: relative; width: 224px; height: 224px; background: #000; }
.tile .ov img { position: absolute; left: 0; top: 0; }
.tile .ov img.contour { image-rendering: pixelated; }
.tile figcaption { font-size: 11.5px; padding: 3px 5px; line-height: 1.3; }
.tile .id { word-break: break-all; }
.flag { display: inline-block; background: #c0392b; color: #fff; border-radius: 3px; padding: 0 4px; margin: 1px 2px 0 0; font-size: 11px; }
.problem { color: #fff; padding: 8px; font-size: 12px; }
pre { background: #fff; border: 1px solid #d5dae3; padding: 8px; overflow: auto; max-height: 420px; font-size: 12px; }
</style>
</head>
<body>
<main>
<h1>CXLSeg dataset report</h1>
<p class="lead">{{.Dir}} &middot; {{.Total}} images &middot; {{len .Exclusions}} exclusions{{if .BuiltBy}} &middot; built by {{.BuiltBy}}{{end}}</p>
<nav><a href="#counts">Counts</a><a href="#labels">Labels</a><a href="#qa">Mask QA</a><a href="#sample">Random sample</a>{{if .HasEst}}<a href="#lowest">Lowest est. Dice</a>{{end}}<a href="#worst">Worst QA</a><a href="#exclusions">Exclusions</a><a href="#provenance">Provenance</a></nav>

<h2 id="counts">Images per split</h2>
<table>
<tr><th>split</th><th>images</th><th>%</th><th>subjects</th><th>studies</th></tr>
{{range .Counts}}<tr><td>{{.Split}}</td><td class="n">{{.Images}}</td><td class="n">{{printf "%.1f" .Percent}}</td><td class="n">{{.Subjects}}</td><td class="n">{{.Studies}}</td></tr>
{{end}}</table>
{{if .Views}}<table>
<tr><th>ViewPosition</th>{{range .Splits}}<th>{{.}}</th>{{end}}<th>all</th></tr>
{{range .Views}}<tr><td>{{.View}}</td>{{range .Counts}}<td class="n">{{.}}</td>{{end}}</tr>
{{end}}</table>{{end}}

<h2 id="labels">Label prevalence per split</h2>
<p class="muted">Percent of the split's images whose label is positive (1.0), uncertain (-1.0), negative (0.0) or not mentioned (empty). Labels are read by column name.</p>
<table>
<tr><th rowspan="2">label</th>{{range .Splits}}<th colspan="4">{{.}}</th>{{end}}</tr>
<tr>{{range .Splits}}<th>pos</th><th>unc</th><th>neg</th><th>blank</th>{{end}}</tr>
{{range .Labels}}<tr><td>{{.Name}}</td>{{range .Cells}}<td class="n{{if .NPos}} pos{{end}}" style="{{bar .Pos}}" title="{{.NPos}} positive images">{{printf "%.1f" .Pos}}</td><td class="n">{{printf "%.1f" .Unc}}</td><td class="n">{{printf "%.1f" .Neg}}</td><td class="n muted">{{printf "%.1f" .Miss}}</td>{{end}}</tr>
{{end}}</table>

<h2 id="qa">Mask QA</h2>
{{if .HasQA}}
<table>
<tr><th>flag</th>{{range .Splits}}<th>{{.}}</th>{{end}}<th>all</th></tr>
{{range .Flags}}<tr><td>{{.Flag}}</td>{{range .Counts}}<td class="n">{{.}}</td>{{end}}</tr>
{{end}}</table>
<div class="plots">
{{range .Plots}}<figure class="plot">{{.SVG}}<figcaption><b>{{.H.Title}}</b><br>n = {{.H.N}}{{if .H.N}}, median {{num .H.Median}}, 5th&ndash;95th percentile {{num .H.P5}}&ndash;{{num .H.P95}}{{end}}{{if .H.Under}}; {{.H.Under}} below {{num .H.Lo}}{{end}}{{if .H.Over}}; {{.H.Over}} above {{num .H.Hi}}{{end}}{{if .H.NaN}}; {{.H.NaN}} not defined{{end}}.</figcaption></figure>
{{end}}</div>
{{else}}<p class="muted">This dataset has no CXLSeg-qa.csv: no mask measures to plot.</p>{{end}}

<h2 id="sample">Random sample ({{len .Sample}} images, seed {{.Seed}})</h2>
<p class="muted">Red: contour of the lung mask drawn on the {{.BaseKind}} image.</p>
<div class="sheet">{{range .Sample}}{{template "tile" .}}{{end}}</div>

{{if .HasEst}}<h2 id="lowest">Lowest estimated Dice ({{len .LowEst}} images)</h2>
<p class="muted">Masks ranked by est_dice, the estimated Dice against an expert's mask (see the README): the ones least likely to be right.</p>
<div class="sheet">{{range .LowEst}}{{template "tile" .}}{{end}}</div>
{{end}}
<h2 id="worst">Worst QA ({{len .Worst}} images)</h2>
{{if .HasQA}}<p class="muted">Images with the most QA flags first, then the lowest mean mask probability.</p>
<div class="sheet">{{range .Worst}}{{template "tile" .}}{{end}}</div>
{{else}}<p class="muted">No CXLSeg-qa.csv: cannot rank images by QA.</p>{{end}}

<h2 id="exclusions">Exclusions ({{len .Exclusions}})</h2>
{{if .Exclusions}}
<table>
<tr><th>reason</th><th>images</th></tr>
{{range .Reasons}}<tr><td>{{.Reason}}</td><td class="n">{{.N}}</td></tr>
{{end}}</table>
{{if .ExclusionsCut}}<p class="muted">Showing the first {{len .ExclusionRows}} of {{len .Exclusions}}; all are in CXLSeg-exclusions.csv.</p>{{end}}
<table>
<tr><th>dicom_id</th><th>subject_id</th><th>study_id</th><th>reason</th><th>detail</th></tr>
{{range .ExclusionRows}}<tr><td>{{.DicomID}}</td><td>{{.SubjectID}}</td><td>{{.StudyID}}</td><td>{{.Reason}}</td><td>{{.Detail}}</td></tr>
{{end}}</table>
{{else}}<p class="muted">No exclusions recorded{{if not .HasExclusionsFile}} (no CXLSeg-exclusions.csv){{end}}.</p>{{end}}

<h2 id="provenance">Provenance</h2>
{{if .Manifest}}<pre>{{.Manifest}}</pre>{{else}}<p class="muted">No manifest.json.</p>{{end}}
<p class="muted">Report written by cxlseg {{.Version}}. Self-contained: every image is embedded; the page fetches nothing.</p>
</main>
</body>
</html>
{{define "tile"}}<figure class="tile"><div class="ov">{{if .Problem}}<div class="problem">{{.Problem}}</div>{{else}}<img src="{{.Image}}" alt="{{.DicomID}}" width="{{.W}}" height="{{.H}}"><img class="contour" src="{{.Contour}}" alt="" width="{{.W}}" height="{{.H}}">{{end}}</div><figcaption title="{{.Rel}}"><span class="id">{{.DicomID}}</span><br>{{.Split}}{{if .HasQA}} &middot; fg {{printf "%.3f" .FG}} &middot; p {{printf "%.3f" .Prob}} &middot; L/R {{num .LR}}{{if eq .Est .Est}} &middot; est {{printf "%.3f" .Est}}{{end}}{{end}}{{if .Flags}}<br>{{range .Flags}}<span class="flag">{{.}}</span>{{end}}{{end}}</figcaption></figure>{{end}}
`

// parseTemplate compiles the page with its helper functions.
func parseTemplate() (*template.Template, error) {
	return template.New("page").Funcs(template.FuncMap{
		"num": num,
		"bar": bar,
	}).Parse(pageTemplate)
}
