package gqlerr_test

import (
	"net/http"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/essaylab/teacher-bff/internal/gqlerr"
)

// The README's codes list is the closed list: every code in it is one the
// API can answer, and every code the API can answer is in it.
func TestCodesAreTheREADMEs(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	start := regexp.MustCompile(`(?m)^### Error codes$`).FindIndex(readme)
	require.NotNil(t, start, "README has an Error codes section")
	section := readme[start[1]:]
	if end := regexp.MustCompile(`(?m)^##`).FindIndex(section); end != nil {
		section = section[:end[0]]
	}
	var documented []gqlerr.Code
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| (\\d{3}) \\|").FindAllSubmatch(section, -1) {
		c := gqlerr.Code(m[1])
		documented = append(documented, c)
		assert.True(t, c.Known(), "%s is documented but not in the list", c)
		assert.Equal(t, string(m[2]), strconv.Itoa(c.Status()), "README's status of %s", c)
	}
	assert.ElementsMatch(t, gqlerr.Codes(), documented, "every code is documented once")
}

func TestCodeStatus(t *testing.T) {
	for _, tt := range []struct {
		code gqlerr.Code
		want int
	}{
		{gqlerr.CodeMethodNotAllowed, http.StatusMethodNotAllowed},
		{gqlerr.CodeNotAcceptable, http.StatusNotAcceptable},
		{gqlerr.CodePayloadTooLarge, http.StatusRequestEntityTooLarge},
		{gqlerr.CodeUnauthenticated, http.StatusUnauthorized},
		{gqlerr.CodeRateLimited, http.StatusTooManyRequests},
		{gqlerr.CodeBadUserInput, http.StatusOK},
		{gqlerr.Code("NOT_A_CODE"), http.StatusInternalServerError},
	} {
		assert.Equal(t, tt.want, tt.code.Status(), "%s", tt.code)
	}
	assert.False(t, gqlerr.Code("NOT_A_CODE").Known())
}
