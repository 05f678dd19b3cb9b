-- A mixed workload for bench-soak.sh: reads of JSON lists, records and
-- searches, and writes of new persons through the API; every acknowledged
-- write's id goes to a file per thread, to be read back afterwards.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  token = os.getenv("SOAK_TOKEN")
  victim = os.getenv("SOAK_VICTIM")
  out = io.open(os.getenv("SOAK_DIR") .. "/acked-" .. id .. ".txt", "w")
  n = 0
end

function request()
  n = n + 1
  local r = n % 10
  local h = {["Authorization"] = "Bearer " .. token}
  if r < 3 then
    h["Content-Type"] = "application/json"
    local body = string.format(
      '{"names":[{"text":"Soak Person %d-%d"}],"confidentiality":"restricted"}', id, n)
    return wrk.format("POST", "/api/v1/person", h, body)
  elseif r < 6 then
    return wrk.format("GET", "/api/v1/person?limit=20", h)
  elseif r < 8 then
    return wrk.format("GET", "/api/v1/person/" .. victim, h)
  else
    return wrk.format("GET", "/api/v1/search?q=Isayev", h)
  end
end

function response(status, headers, body)
  if status == 201 then
    local uid = string.match(body, '"id":"([0-9a-f%-]+)"')
    if uid then out:write(uid, "\n") out:flush() end
  end
end

function done(summary, latency, requests)
  io.write(string.format("soak-errors %d %d %d %d %d\n", summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
