-- Drives `isms lsp` from Neovim's built-in LSP client (0.7 or later), headless: opens
-- risks.yaml of a repository, types a typo into an owner, waits for the diagnostics, asks for
-- a hover, and writes what the editor holds to ISMS_OUT. Run by tests/lsp_nvim.rs.
local root = vim.env.ISMS_ROOT
local out = assert(io.open(vim.env.ISMS_OUT, 'w'))
local function finish(code)
  out:close()
  vim.cmd(code == 0 and 'qa!' or 'cq!')
end

vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/risks.yaml'))
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = 'isms',
  cmd = { vim.env.ISMS_BIN, 'lsp' },
  root_dir = root,
  init_options = { asOf = '2026-12-07', debounceMs = 5 },
})
if not client_id then
  out:write('error: the client did not start\n')
  return finish(1)
end
vim.lsp.buf_attach_client(buf, client_id)
local started = vim.wait(30000, function()
  local c = vim.lsp.get_client_by_id(client_id)
  return c ~= nil and c.initialized
end, 20)
if not started then
  out:write('error: the server did not initialise\n')
  return finish(1)
end

-- The typo, typed into the buffer (never saved).
local typo_line
for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  if l:find('owner: p%-people') then
    vim.api.nvim_buf_set_lines(buf, i - 1, i, false, { (l:gsub('p%-people', 'p-peple')) })
    typo_line = i
    break
  end
end
out:write('typo at line ' .. tostring(typo_line) .. '\n')

local got = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
if not got then
  out:write('error: no diagnostics arrived\n')
  return finish(1)
end
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local lsp = (d.user_data or {}).lsp or {}
  local code = d.code or lsp.code or ''
  out:write(string.format('diagnostic %d:%d %s %s\n', d.lnum + 1, d.col + 1, code,
    (d.message:gsub('\n', ' '))))
end

-- Hover on the first risk id of the register.
for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  local col = l:find('id: R%-')
  if col then
    vim.api.nvim_win_set_cursor(0, { i, col + 4 })
    break
  end
end
local params = vim.lsp.util.make_position_params()
local results = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 10000) or {}
for _, r in pairs(results) do
  if r.result and r.result.contents then
    out:write('hover ' .. (r.result.contents.value or ''):gsub('\n', ' ') .. '\n')
  end
end
-- Definition of the first asset a risk refers to.
for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  local col = l:find('assets: %[A%-')
  if col then
    vim.api.nvim_win_set_cursor(0, { i, col + 9 })
    break
  end
end
params = vim.lsp.util.make_position_params()
local defs = vim.lsp.buf_request_sync(buf, 'textDocument/definition', params, 10000) or {}
for _, r in pairs(defs) do
  if r.result then
    out:write('definition ' .. vim.inspect(r.result):gsub('\n', ' ') .. '\n')
  end
end
vim.lsp.stop_client(client_id)
vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
out:write('done\n')
finish(0)
