package check

import "fmt"

// sqlParams counts the parameters of a SQL statement as the database will: the highest
// $n or ?n, or the number of bare ? placeholders. Text inside quotes ('...', "...") and
// comments is skipped, so that a literal '$1' or "?" is not a parameter. style describes
// them for messages ("$1..$3").
func sqlParams(sql string) (n int, style string) {
	highest, bare := 0, 0
	prefix := "$"
	for i := 0; i < len(sql); i++ {
		switch ch := sql[i]; {
		case ch == '\'' || ch == '"':
			j := i + 1
			for j < len(sql) && sql[j] != ch {
				j++
			}
			i = j
		case ch == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case ch == '/' && i+1 < len(sql) && sql[i+1] == '*':
			j := i + 2
			for j+1 < len(sql) && !(sql[j] == '*' && sql[j+1] == '/') {
				j++
			}
			i = j + 1
		case ch == '$' || ch == '?':
			j, num := i+1, 0
			for j < len(sql) && sql[j] >= '0' && sql[j] <= '9' {
				num = num*10 + int(sql[j]-'0')
				j++
			}
			switch {
			case j > i+1:
				highest = max(highest, num)
				prefix = string(ch)
			case ch == '?':
				bare++
			}
			i = j - 1
		}
	}
	if bare > 0 && highest == 0 {
		return bare, "?"
	}
	switch highest {
	case 0:
		return 0, "none"
	case 1:
		return 1, prefix + "1"
	}
	return highest, fmt.Sprintf("%s1..%s%d", prefix, prefix, highest)
}
