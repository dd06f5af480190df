-- A Lua workload for bench/run.sh: recursion, table building and sorting, string building and
-- pattern matching, closures. `lua bench.lua N` repeats it N times (default 3); prints a checksum.
local n = tonumber(arg and arg[1]) or 3

local function fib(k) if k < 2 then return k end return fib(k - 1) + fib(k - 2) end

local function tables(size)
  local t, seed = {}, 42
  for i = 1, size do
    seed = (seed * 1103515245 + 12345) % 2147483648
    t[i] = seed
  end
  table.sort(t)
  local sum = 0
  for i = 1, size, 97 do sum = (sum + t[i]) % 1000000007 end
  return sum
end

local function strings(count)
  local parts = {}
  for i = 1, count do parts[#parts + 1] = string.format("%d:%x;", i, i * 7919) end
  local s = table.concat(parts)
  local hits = 0
  for a, b in s:gmatch("(%d+):(%x+);") do
    if #b > #a then hits = hits + 1 end
  end
  return hits + #s
end

local function closures(count)
  local fs = {}
  for i = 1, count do fs[i] = function(x) return x * i + 1 end end
  local acc = 0
  for round = 1, 20 do
    for i = 1, count do acc = (acc + fs[i](round)) % 1000003 end
  end
  return acc
end

local check = 0
for _ = 1, n do
  check = (check + fib(25) + tables(200000) + strings(100000) + closures(20000)) % 1000000007
end
print(check)
