// Reusable attribute validators (see Validator in schema.h). Each returns a Validator whose
// description reads well in the docs ("must be at least 1").
#ifndef ADBJIT_FRAMEWORK_VALIDATORS_H_
#define ADBJIT_FRAMEWORK_VALIDATORS_H_

#include <string>
#include <vector>

#include "provider/framework/schema.h"

namespace adbjit::tf::validators {

Validator IntAtLeast(int64_t min);
Validator IntBetween(int64_t min, int64_t max);
// Any number above zero, or exactly `sentinel` (a price where -1 means "no limit", say).
Validator PositiveOr(int64_t sentinel);
Validator StringLengthBetween(size_t min, size_t max);
Validator StringOneOf(std::vector<std::string> allowed);
// At most `max` bytes of UTF-8: a service's size limit ("25 KB"), which counts bytes, not characters.
Validator StringBytesAtMost(size_t max, std::string limit_name);
// A list of strings with at least `min_entries` entries, none of them empty.
Validator ListOfNonEmptyStrings(size_t min_entries);
// A map whose keys are not empty.
Validator MapKeysNotEmpty();
// `what` names the rule in messages: StringMatches("^[0-9a-zA-Z-]+$", "letters, digits and dashes").
// `show_value` false: a refusal gives the value's length, not the value (for an identifier that a
// secret may be mistaken for, such as a client id).
Validator StringMatches(std::string regex, std::string what, bool ignore_case = false, bool show_value = true);
// RFC 3339 date-time ("2026-01-02T03:04:05Z", offsets allowed).
Validator Rfc3339();
// An absolute URL; https:// required unless the host is loopback (127.0.0.0/8, localhost, *.localhost, [::1]).
// When `instead_of_resource_id` is given, an Azure resource ID ("/subscriptions/…", what azurerm's
// `id` attributes hold) is refused with that text, which says what to give instead.
Validator HttpsUrlOrLoopback(std::string instead_of_resource_id = "");
// The same, with nothing after the host and port but an optional "/" (a vault's base URL).
Validator HttpsBaseUrlOrLoopback(std::string instead_of_resource_id = "");
// The same, but a host name alone ("adb-1.2.azuredatabricks.net", as azurerm's workspace_url gives
// it) is accepted and means https://.
Validator HostOrHttpsUrl(std::string instead_of_resource_id = "");

}  // namespace adbjit::tf::validators

#endif  // ADBJIT_FRAMEWORK_VALIDATORS_H_
