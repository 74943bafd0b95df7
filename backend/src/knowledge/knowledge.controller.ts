import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ArticleInputSchema, ArticleListQuerySchema } from '@handoff/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { InvalidInputError } from '../common/domain-errors';
import { parseOrBadRequest } from '../common/validation';
import { KnowledgeService, MAX_IMPORT_LINES, type ArticleInputValue } from './knowledge.service';

const ArticleId = () => new ParseUUIDPipe({ version: '4' });

/** Parses a JSONL import completely before anything is stored, naming every bad line. */
export function parseJsonl(body: unknown): ArticleInputValue[] {
  if (typeof body !== 'string') {
    throw new InvalidInputError('send the articles as application/x-ndjson: one JSON article per line');
  }
  const lines = body.split(/\r?\n/).map((line, index) => ({ line: line.trim(), number: index + 1 }));
  const filled = lines.filter(({ line }) => line.length > 0);
  if (filled.length === 0) throw new InvalidInputError('the import holds no articles');
  if (filled.length > MAX_IMPORT_LINES) {
    throw new InvalidInputError(`at most ${MAX_IMPORT_LINES} articles per import; split the file`);
  }
  const inputs: ArticleInputValue[] = [];
  const issues: { line: number; path: string; message: string }[] = [];
  for (const { line, number } of filled) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      issues.push({ line: number, path: '', message: 'not valid JSON' });
      continue;
    }
    const parsed = ArticleInputSchema.safeParse(value);
    if (parsed.success) inputs.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        issues.push({ line: number, path: issue.path.join('.'), message: issue.message });
  }
  const keys = inputs.map((input) => input.key).filter(Boolean);
  if (new Set(keys).size !== keys.length) issues.push({ line: 0, path: 'key', message: 'a key appears twice' });
  if (issues.length > 0)
    throw new InvalidInputError('invalid import; nothing was stored', { error: 'Bad Request', issues });
  return inputs;
}

/**
 * The knowledge base over HTTP. Any signed-in reviewer reads; only admins (or the API key) write,
 * since an article changes what every future draft may say.
 */
@ApiTags('knowledge')
@ApiBearerAuth()
@Controller('api/v1/knowledge/articles')
export class KnowledgeController {
  constructor(private readonly knowledge: KnowledgeService) {}

  @Get()
  @ApiOperation({ summary: 'Articles by title (q matches a title or a tag), without bodies; limit, offset' })
  list(@Query() query: unknown) {
    const { q, limit, offset } = parseOrBadRequest(ArticleListQuerySchema, query, 'query');
    return this.knowledge.list(q, limit, offset);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Admin: create an article {title, body, url?, tags?, language?, format?, key?}' })
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    return this.knowledge.create(parseOrBadRequest(ArticleInputSchema, body), principal.email);
  }

  // Declared before :id so "import" is not taken for an id.
  @Post('import')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Admin: import application/x-ndjson, one article per line; all or nothing' })
  import(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    return this.knowledge.importMany(parseJsonl(body), principal.email);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One article with its body' })
  get(@Param('id', ArticleId()) id: string) {
    return this.knowledge.get(id);
  }

  @Get(':id/versions')
  @ApiOperation({ summary: "An article's saved versions, newest first, kept after deletion" })
  versions(@Param('id', ArticleId()) id: string) {
    return this.knowledge.versions(id);
  }

  @Put(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Admin: replace an article; a change adds a version' })
  update(@Param('id', ArticleId()) id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    return this.knowledge.update(id, parseOrBadRequest(ArticleInputSchema, body), principal.email);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Admin: delete an article (its versions stay)' })
  async delete(@Param('id', ArticleId()) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.knowledge.delete(id, principal.email);
  }
}
