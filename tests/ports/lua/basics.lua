local ok, err = pcall(function() error("boom") end)
print("pcall caught:", ok, err)
local ok2, err2 = pcall(function() local t = nil; return t.x end)
print("nil index caught:", ok2, (err2:gsub("^.-:%d+: ", "")))
print(select("#", pcall(error)))
local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end
print("fib(25) =", fib(25))
local t = {} for i = 1, 1000 do t[i] = i * i end
print("sum of squares:", (function() local s = 0 for _, v in ipairs(t) do s = s + v end return s end)())
print(string.format("%5.2f %s %d", math.pi, ("abc"):upper(), #"hello"))
local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
print("coroutine:", co(1), co(10))
local name = os.tmpname()
local f = assert(io.open(name, "w")); f:write("tmp data\n"); f:close()
for line in io.lines(name) do print("tmpfile line:", line) end
os.remove(name)
print(pcall(string.rep))
print(xpcall(function() error({code = 42}) end, function(e) return e.code end))
