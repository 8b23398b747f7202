package web

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPISpec describes the API. It is kept by hand; TestOpenAPIMatchesRoutes
// fails when it and the router disagree.
//
//go:embed openapi.json
var openAPISpec []byte

// openAPI serves the OpenAPI 3 document: GET /api/v1/openapi.json.
func (s *Server) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json; charset=utf-8", openAPISpec)
}
