package nlp

//go:generate go run ./internal/gendict -n 100000 -o dict/zh_s_top.txt
