package ui

import (
	"bytes"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// synthStream returns a deterministic `terraform apply -json` stream for n
// resources with a realistic mix of messages: version, refresh hooks,
// planned changes (creates, updates, deletes, replaces, imports, moves),
// the plan change_summary and outputs, apply start/progress/complete hooks
// (two pairs per replace), a warning diagnostic with a snippet every 500
// resources, the apply change_summary and outputs with values. It returns the
// stream and its number of messages.
func synthStream(n int) ([]byte, int) {
	g := synth{buf: bytes.NewBuffer(make([]byte, 0, n*1300)), ts: time.Date(2026, 11, 25, 17, 56, 31, 0, time.UTC)}
	g.line(`"@level":"info","@message":"Terraform 1.11.4","@module":"terraform.ui",`, `,"terraform":"1.11.4","type":"version","ui":"1.2"`)

	var add, change, remove, imp int
	for i := 0; i < n; i++ {
		if kind(i) != "create" {
			g.hook("refresh_start", i, "Refreshing state... [id="+id(i)+"]", "", `,"id_key":"id","id_value":"`+id(i)+`"`)
			g.hook("refresh_complete", i, "Refresh complete [id="+id(i)+"]", "", `,"id_key":"id","id_value":"`+id(i)+`"`)
		}
	}
	for i := 0; i < n; i++ {
		switch kind(i) {
		case "create":
			add++
			g.change(i, "create", "Plan to create", "")
		case "update":
			change++
			g.change(i, "update", "Plan to update", "")
		case "delete":
			remove++
			g.change(i, "delete", "Plan to delete", `,"reason":"delete_because_no_resource_config"`)
		case "replace":
			add++
			remove++
			g.change(i, "replace", "Plan to replace", `,"reason":"cannot_update"`)
		case "import":
			imp++
			change++
			g.change(i, "update", "Plan to update", `,"importing":{"id":"`+id(i)+`"}`)
		case "move":
			g.change(i, "move", "Plan to move", `,"previous_resource":`+addr(i+1_000_000))
		}
		if i%500 == 499 {
			g.diagnostic(i)
		}
	}
	summary := fmt.Sprintf(`"add":%d,"change":%d,"import":%d,"remove":%d`, add, change, imp, remove)
	g.line(fmt.Sprintf(`"@level":"info","@message":"Plan: %d to import, %d to add, %d to change, %d to destroy.","@module":"terraform.ui",`, imp, add, change, remove),
		`,"changes":{`+summary+`,"operation":"plan"},"type":"change_summary"`)
	g.outputs(false)

	for i := 0; i < n; i++ {
		switch kind(i) {
		case "create":
			g.apply(i, "create", "Creating...", "Creation complete after 1s [id="+id(i)+"]")
		case "update", "import":
			g.apply(i, "update", "Modifying... [id="+id(i)+"]", "Modifications complete after 0s [id="+id(i)+"]")
		case "delete":
			g.apply(i, "delete", "Destroying... [id="+id(i)+"]", "Destruction complete after 0s")
		case "replace":
			g.apply(i, "delete", "Destroying... [id="+id(i)+"]", "Destruction complete after 0s")
			g.apply(i, "create", "Creating...", "Creation complete after 1s [id="+id(i)+"]")
		}
	}
	g.line(fmt.Sprintf(`"@level":"info","@message":"Apply complete! Resources: %d imported, %d added, %d changed, %d destroyed.","@module":"terraform.ui",`, imp, add, change, remove),
		`,"changes":{`+summary+`,"operation":"apply"},"type":"change_summary"`)
	g.outputs(true)
	return g.buf.Bytes(), g.n
}

// synth50k is the benchmark stream, built once.
var synth50k = sync.OnceValues(func() ([]byte, int) { return synthStream(50_000) })

// kind spreads the actions: 50% create, 20% update, 10% each delete and
// replace, 5% each import+update and move.
func kind(i int) string {
	switch i % 20 {
	case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9:
		return "create"
	case 10, 11, 12, 13:
		return "update"
	case 14, 15:
		return "delete"
	case 16, 17:
		return "replace"
	case 18:
		return "import"
	}
	return "move"
}

func id(i int) string { return fmt.Sprintf("i-%017x", i*7919) }

func addrString(i int) string {
	return fmt.Sprintf("module.service_%d.aws_instance.web[%d]", i/100, i%100)
}

func addr(i int) string {
	return fmt.Sprintf(`{"addr":"%s","module":"module.service_%d","resource":"aws_instance.web[%d]","implied_provider":"aws","resource_type":"aws_instance","resource_name":"web","resource_key":%d}`,
		addrString(i), i/100, i%100, i%100)
}

type synth struct {
	buf *bytes.Buffer
	ts  time.Time
	n   int
}

// line writes {head "@timestamp":... tail} and a newline.
func (g *synth) line(head, tail string) {
	g.ts = g.ts.Add(137 * time.Microsecond)
	g.buf.WriteByte('{')
	g.buf.WriteString(head)
	g.buf.WriteString(`"@timestamp":"`)
	g.buf.Write(g.ts.AppendFormat(nil, "2006-01-02T15:04:05.000000Z07:00"))
	g.buf.WriteByte('"')
	g.buf.WriteString(tail)
	g.buf.WriteString("}\n")
	g.n++
}

func (g *synth) change(i int, action, verb, extra string) {
	g.line(`"@level":"info","@message":"`+addrString(i)+`: `+verb+`","@module":"terraform.ui",`,
		`,"change":{"resource":`+addr(i)+`,"action":"`+action+`"`+extra+`},"type":"planned_change"`)
}

func (g *synth) hook(typ string, i int, msg, action, extra string) {
	a := ""
	if action != "" {
		a = `,"action":"` + action + `"`
	}
	g.line(`"@level":"info","@message":"`+addrString(i)+`: `+msg+`","@module":"terraform.ui",`,
		`,"hook":{"resource":`+addr(i)+a+extra+`},"type":"`+typ+`"`)
}

func (g *synth) apply(i int, action, start, complete string) {
	g.hook("apply_start", i, start, action, `,"id_key":"id","id_value":"`+id(i)+`"`)
	if i%25 == 0 {
		g.hook("apply_progress", i, "Still creating... [10s elapsed]", action, `,"elapsed_seconds":10`)
	}
	g.hook("apply_complete", i, complete, action, `,"id_key":"id","id_value":"`+id(i)+`","elapsed_seconds":1`)
}

func (g *synth) diagnostic(i int) {
	line := strconv.Itoa(10 + i%300)
	g.line(`"@level":"warn","@message":"Warning: Argument is deprecated","@module":"terraform.ui",`,
		`,"diagnostic":{"severity":"warning","summary":"Argument is deprecated","detail":"The \"ebs_optimized\" argument is deprecated and will be removed in a future version.\nUse launch templates instead.","address":"`+addrString(i)+`",`+
			`"range":{"filename":"modules/service/main.tf","start":{"line":`+line+`,"column":3,"byte":412},"end":{"line":`+line+`,"column":16,"byte":425}},`+
			`"snippet":{"context":"resource \"aws_instance\" \"web\"","code":"  ebs_optimized = var.ebs_optimized","start_line":`+line+`,"highlight_start_offset":2,"highlight_end_offset":15,"values":[{"traversal":"var.ebs_optimized","statement":"is true"}]}},"type":"diagnostic"`)
}

func (g *synth) outputs(values bool) {
	var b bytes.Buffer
	for o := 0; o < 50; o++ {
		if o > 0 {
			b.WriteByte(',')
		}
		if values {
			fmt.Fprintf(&b, `"endpoint_%d":{"sensitive":false,"type":"string","value":"https://svc-%d.internal.example.com:8443/v1"}`, o, o)
		} else {
			fmt.Fprintf(&b, `"endpoint_%d":{"sensitive":false,"action":"update"}`, o)
		}
	}
	g.line(`"@level":"info","@message":"Outputs: 50","@module":"terraform.ui",`, `,"outputs":{`+b.String()+`},"type":"outputs"`)
}
