#ifndef BRIEFINGD_CCURLSHIM_H
#define BRIEFINGD_CCURLSHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic; Swift can only call fixed signatures.
CURLcode briefingd_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode briefingd_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode briefingd_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode briefingd_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode briefingd_curl_setopt_write_callback(CURL *handle, CURLoption option,
                                              size_t (*callback)(char *, size_t, size_t, void *));
CURLcode briefingd_curl_setopt_xferinfo_callback(
    CURL *handle, int (*callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t));
CURLcode briefingd_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode briefingd_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode briefingd_curl_getinfo_string(CURL *handle, CURLINFO info, char **value);
CURLcode briefingd_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode briefingd_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);

#endif
