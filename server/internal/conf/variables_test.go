package conf

import (
	"errors"
	"strings"
	"testing"
)

// Expectations observed with the reference binary and its conf package,
// with the same environment variables set.

func TestEnvVariables(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		text string
		want string
	}{
		{"integer", map[string]string{"MYPORT": "15011"}, "port: $MYPORT", "{port@1:0=15011}"},
		{"size", map[string]string{"X": "2MB"}, "a: $X", "{a@1:0=2MB=2097152}"},
		{"boolean", map[string]string{"X": "tRuE"}, "a: $X", "{a@1:0=true}"},
		{"quoted", map[string]string{"X": `"q"`}, "a: $X", `{a@1:0=d"q"}`},
		{"empty", map[string]string{"X": ""}, "a: $X", `{a@1:0=""}`},
		{"blanks around", map[string]string{"X": "  7 # c"}, "a: $X", "{a@1:0=7}"},
		// The reference keeps no position inside a value read from the
		// environment; natsys gives it the position of the reference.
		{"array", map[string]string{"X": "[a, b]"}, "a: $X", `{a@1:0=["a"@1:4, "b"@1:4]}`},
		{"map", map[string]string{"X": "{b: 1}"}, "a: $X", "{a@1:0={b@1:4=1}}"},
		{"chain", map[string]string{"X": "$Y", "Y": "5"}, "a: $X", "{a@1:0=5}"},
		{"file wins over env", map[string]string{"b": "2"}, "b: 1\na: $b", "{b*@1:0=1, a@2:1=1}"},
		{"in array", map[string]string{"X": "x"}, "a: [ 1, $X ]", `{a@1:0=[1@1:5, "x"@1:9]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Parser{LookupEnv: mapEnv(tc.env)}
			m, err := p.Parse(tc.text, "t.conf")
			if err != nil {
				t.Fatal(err)
			}
			if got := render(m); got != tc.want {
				t.Errorf("Parse(%q)\n got: %s\nwant: %s", tc.text, got, tc.want)
			}
		})
	}
}

func TestEnvVariableErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		text string
		want string
	}{
		{"cycle", map[string]string{"CYC1": "$CYC2", "CYC2": "$CYC1"}, "port: $CYC1",
			"variable reference for 'CYC1' on line 1 could not be parsed: variable reference for 'CYC2' on line 1 could not be parsed: " +
				"variable reference for 'CYC1' on line 1 could not be parsed: variable reference cycle for 'CYC1'"},
		{"self", map[string]string{"X": "$X"}, "a: $X",
			"variable reference for 'X' on line 1 could not be parsed: variable reference for 'X' on line 1 could not be parsed: " +
				"variable reference cycle for 'X'"},
		{"two values", map[string]string{"MYPORT": "1 2"}, "port: $MYPORT",
			"variable reference for 'MYPORT' on line 1 could not be parsed: Parse error on line 1: " +
				"'Expected a top-level value to end with a new line, comment or EOF, but got '2' instead.'"},
		{"file variables not visible", map[string]string{"X": "$b"}, "b: 1\na: $X",
			"variable reference for 'X' on line 2 could not be parsed: variable reference for 'b' on line 1 can not be found"},
		{"dangling key", map[string]string{"X": "x\n1"}, "a: $X",
			"variable reference for 'X' on line 1 could not be parsed: config is invalid (:2:2)"},
		{"unset", nil, "a: [\n $NOPE ]", "variable reference for 'NOPE' on line 2 can not be found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Parser{LookupEnv: mapEnv(tc.env)}
			_, err := p.Parse(tc.text, "t.conf")
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error\n got: %v\nwant: %s", err, tc.want)
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.Kind != KindVariable {
				t.Errorf("error %#v: want *Error of KindVariable", err)
			}
		})
	}
}

// TestEnvFromProcess checks that the zero Parser reads the process
// environment.
func TestEnvFromProcess(t *testing.T) {
	t.Setenv("NATSYS_CONF_TEST_PORT", "15011")
	m, err := Parse("port: $NATSYS_CONF_TEST_PORT", "t.conf")
	if err != nil {
		t.Fatal(err)
	}
	e, ok := m.Lookup("PORT")
	if !ok || e.Value.Int != 15011 || e.Value.Var != "NATSYS_CONF_TEST_PORT" {
		t.Errorf("port = %+v", e)
	}
}

// TestEnvChainLimit checks that a long (non-cyclic) chain of variables
// stops at MaxVariableDepth.
func TestEnvChainLimit(t *testing.T) {
	env := map[string]string{}
	for i := 0; i < MaxVariableDepth+5; i++ {
		env["V"+itoa3(i)] = "$V" + itoa3(i+1)
	}
	p := Parser{LookupEnv: mapEnv(env)}
	_, err := p.Parse("a: $V000", "t.conf")
	if err == nil || !strings.HasSuffix(err.Error(), "variables chained deeper than 64") {
		t.Fatalf("error = %v", err)
	}
}

func itoa3(i int) string {
	return string([]byte{byte('0' + i/100), byte('0' + i/10%10), byte('0' + i%10)})
}
