-- bearer.lua: the wrk script of load.sh. Every request carries
-- "Authorization: Bearer $JVE_TOKEN" (an environment variable, so that one
-- script serves the valid and the invalid run).
local token = os.getenv("JVE_TOKEN")
if token == nil or token == "" then
  error("bearer.lua: set JVE_TOKEN to the token to send")
end
wrk.headers["Authorization"] = "Bearer " .. token
