import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/roles.decorator.js';
import { ProblemError } from '../http/problem.js';
import { type ConsoleAsset, loadConsoleAssets } from './console.assets.js';

/**
 * The web console at `/` (outside the `/api` prefix): one HTML page and its modules, every byte served by this
 * process. The page holds no data: it calls the API with the token pasted into it.
 */
@ApiExcludeController()
@Public()
@Controller()
export class ConsoleController {
  private readonly assets = loadConsoleAssets();

  @Get()
  page(@Res() reply: FastifyReply): void {
    this.send(reply, this.assets.get('index.html')!);
  }

  @Get('console/vendor/:file')
  vendor(@Param('file') file: string, @Res() reply: FastifyReply): void {
    this.send(reply, this.asset(`vendor/${file}`));
  }

  @Get('console/:file')
  file(@Param('file') file: string, @Res() reply: FastifyReply): void {
    this.send(reply, this.asset(file));
  }

  private asset(name: string): ConsoleAsset {
    const asset = name === 'index.html' ? undefined : this.assets.get(name);
    if (!asset) throw new ProblemError(404, 'NOT_FOUND', 'There is no such resource.');
    return asset;
  }

  private send(reply: FastifyReply, asset: ConsoleAsset): void {
    // Revalidated on every load: a new version of the console is picked up at once.
    void reply.header('Content-Type', asset.type).header('Cache-Control', 'no-cache').send(asset.body);
  }
}
