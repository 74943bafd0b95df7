import { Module } from '@nestjs/common';
import { GraphDrawingController } from './graph-drawing.controller';

@Module({ controllers: [GraphDrawingController] })
export class GraphDrawingModule {}
