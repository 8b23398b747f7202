// Package wechat is Zhiyin's WeChat Official Account channel: the callback
// that WeChat's servers call for URL verification (GET) and for every
// message a user sends (POST), in plain, compatible and safe (AES) modes.
//
// It answers from kb and formats the answer for a phone screen: the clause
// label and title first, the quote, the document's short title, at most
// 2000 bytes. Unit staff can reply 1 for the whole clause and 2 for related
// clauses.
//
// WeChat waits 5 seconds for a reply and then retries the same message, three
// tries in all. Each message is processed once and every retry gets the same
// reply; an answer that is not ready within the reply budget goes out later
// through the customer-service message API.
//
// From github.com/silenceper/wechat/v2 it uses the officialaccount account
// object, config, message types and cache interface, the credential token
// types and its AES encryption routine. It does not use
// the library's server (no de-duplication, no timestamp check, signatures
// compared with ==, unbounded body reads, panics on write errors, an
// encrypted empty reply where "success" is needed), its memory cache (races,
// issue #888), its decryption (lax padding check, recover() for errors),
// nor its HTTP helpers (hard-wired API host, no timeouts, URLs
// carrying the AppSecret and the access token end up in error messages).
// Each replacement says why where it is written.
package wechat
